{{ landing_base('opportunity_stage_history') }}
