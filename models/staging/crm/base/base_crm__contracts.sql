{{ landing_base('contracts') }}
