{{ landing_base('campaigns') }}
