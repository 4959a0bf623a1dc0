{{ landing_base('teams') }}
