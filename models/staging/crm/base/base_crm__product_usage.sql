{{ landing_base('product_usage') }}
