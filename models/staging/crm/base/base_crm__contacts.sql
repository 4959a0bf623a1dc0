{{ landing_base('contacts') }}
