{{ landing_base('account_owner_history') }}
