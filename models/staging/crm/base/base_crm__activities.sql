{{ landing_base('activities') }}
