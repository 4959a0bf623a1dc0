{{ landing_base('costs') }}
