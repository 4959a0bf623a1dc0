{{ landing_base('opportunities') }}
