{{ landing_base('users') }}
