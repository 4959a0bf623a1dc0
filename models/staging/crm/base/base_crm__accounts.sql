{{ landing_base('accounts') }}
