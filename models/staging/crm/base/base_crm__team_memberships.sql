{{ landing_base('team_memberships') }}
