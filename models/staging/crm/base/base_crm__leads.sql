{{ landing_base('leads') }}
