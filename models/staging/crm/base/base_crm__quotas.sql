{{ landing_base('quotas') }}
