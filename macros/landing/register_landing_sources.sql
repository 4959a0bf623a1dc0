{#-
    on-run-start hook: for every source of the `crm` landing source, (re)create a raw view
    over the entity's export folder, with every column as text plus the file each row came
    from. A missing folder, an entity without export files, an export file whose name is
    outside the safe pattern (landing_file_name_pattern) or a file without a required column
    stops the run with a message naming the folder, file and column. Every path reaches the
    SQL text through sql_string() only.
-#}
{% macro register_landing_sources() %}
    {% if not execute %}{{ return('') }}{% endif %}
    {% set landing_dir = var('landing_dir') | string %}
    {% set fmt = var('landing_format') | string | lower %}
    {% if fmt not in ['csv', 'parquet'] %}
        {{ exceptions.raise_compiler_error("landing_format must be 'csv' or 'parquet', got '" ~ fmt ~ "'") }}
    {% endif %}
    {% set glob_characters = [] %}
    {% for ch in '*?[]{}' if ch in landing_dir %}{% do glob_characters.append(ch) %}{% endfor %}
    {% if glob_characters | length > 0 %}
        {{ exceptions.raise_compiler_error("落地目录路径含通配符 / the landing folder path " ~ ("%r" | format(landing_dir))
            ~ " holds glob characters " ~ glob_characters | join(' ') ~ ": the readers would match other files; move or rename the folder.") }}
    {% endif %}
    {% set landing_sources = [] %}
    {% for node in graph.sources.values() if node.source_name == 'crm' %}
        {% do landing_sources.append(node) %}
    {% endfor %}
    {% if landing_sources | length == 0 %}{{ return('') }}{% endif %}
    {% do adapter.dispatch('create_landing_schema', 'crm_indicators')(landing_sources[0].schema) %}
    {% for node in landing_sources | sort(attribute='name') %}
        {% set entity_dir = landing_dir.rstrip('/') ~ '/' ~ node.name %}
        {% set required_columns = node.columns.keys() | list %}
        {% do adapter.dispatch('create_landing_view', 'crm_indicators')(node, entity_dir, fmt, required_columns) %}
    {% endfor %}
    {{ log("Registered " ~ landing_sources | length ~ " landing entities from " ~ landing_dir ~ " (" ~ fmt ~ ")", info=true) }}
    {{ return('') }}
{% endmacro %}


{% macro missing_columns_message(where, entity, missing) %}
    {{ return("Landing file '" ~ where ~ "' (entity '" ~ entity ~ "') lacks required column(s): "
        ~ missing | join(', ') ~ ". See docs/landing-contract.md.") }}
{% endmacro %}


{#- The export file names the hook reads; the same pattern as SAFE_FILE_NAME in
    crmwh check (a test keeps them identical; docs/landing-contract.md). -#}
{% macro landing_file_name_pattern() -%}
    {{ return('(?:[^\\W_]|【)[\\w .()（）【】-]*') }}
{%- endmacro %}


{#- Stop the run when an export file's name is outside the safe pattern, naming the file and
    the characters allowed. `path` is the file as the engine lists it. -#}
{% macro check_landing_file_name(path, entity) %}
    {% set name = path.split('/') | last %}
    {% if not modules.re.fullmatch(landing_file_name_pattern(), name) %}
        {{ exceptions.raise_compiler_error("文件名不安全，请重命名 / unsafe export file name " ~ ("%r" | format(name))
            ~ " in the landing folder of entity '" ~ entity ~ "' (" ~ ("%r" | format(path)) ~ "). Allowed: letters and digits of any script, space, "
            ~ "'_', '-', '.', '(', ')', '（', '）', '【', '】'; it must start with a letter, a digit or '【'. Rename the file, e.g. 商机导出_2026-11-25.csv. See docs/landing-contract.md.") }}
    {% endif %}
{% endmacro %}


{% macro default__create_landing_schema(schema_name) %}
    {% do run_query('create schema if not exists ' ~ schema_name) %}
{% endmacro %}

{% macro spark__create_landing_schema(schema_name) %}
    {% do run_query('create database if not exists ' ~ schema_name) %}
{% endmacro %}


{% macro default__create_landing_view(node, entity_dir, fmt, required_columns) %}
    {{ exceptions.raise_compiler_error("No landing reader for adapter " ~ adapter.type()) }}
{% endmacro %}


{% macro duckdb__create_landing_view(node, entity_dir, fmt, required_columns) %}
    {% set glob_pattern = entity_dir ~ '/*.' ~ fmt %}
    {% set files = run_query("select file from glob(" ~ sql_string(glob_pattern) ~ ") order by file").columns[0].values() | list %}
    {% if files | length == 0 %}
        {{ exceptions.raise_compiler_error("Landing folder '" ~ entity_dir ~ "' for entity '" ~ node.name
            ~ "' is missing or holds no ." ~ fmt ~ " export files. Every entity of the landing contract needs at least one export file.") }}
    {% endif %}
    {% for f in files %}{% do check_landing_file_name(f, node.name) %}{% endfor %}
    {% set quoted_files = [] %}
    {% for f in files %}
        {% do quoted_files.append(sql_string(f)) %}
        {% if fmt == 'csv' %}
            {% set reader = "read_csv(" ~ sql_string(f) ~ ", header = true, all_varchar = true, auto_detect = true)" %}
        {% else %}
            {% set reader = "read_parquet(" ~ sql_string(f) ~ ")" %}
        {% endif %}
        {% set described = run_query("describe select * from " ~ reader) %}
        {% set present = described.columns[0].values() | map('lower') | list %}
        {% set missing = [] %}
        {% for c in required_columns if c | lower not in present %}{% do missing.append(c) %}{% endfor %}
        {% if missing | length > 0 %}
            {{ exceptions.raise_compiler_error(missing_columns_message(f, node.name, missing)) }}
        {% endif %}
    {% endfor %}
    {% set file_list = "[" ~ quoted_files | join(", ") ~ "]" %}
    {% if fmt == 'csv' %}
        {% set reader = "read_csv(" ~ file_list ~ ", header = true, all_varchar = true, union_by_name = true, filename = true)" %}
        {% set select_list = "*" %}
    {% else %}
        {% set reader = "read_parquet(" ~ file_list ~ ", union_by_name = true, filename = true)" %}
        {% set select_list = "columns(* exclude (filename))::varchar, filename" %}
    {% endif %}
    {% do run_query("create or replace view " ~ node.schema ~ "." ~ node.identifier ~ " as select " ~ select_list ~ " from " ~ reader) %}
{% endmacro %}


{% macro spark__create_landing_view(node, entity_dir, fmt, required_columns) %}
    {% if not entity_dir.startswith('/') %}
        {{ exceptions.raise_compiler_error("On Spark the landing folder must be an absolute path; got '" ~ entity_dir ~ "'. Set CRM_LANDING_DIR.") }}
    {% endif %}
    {% set files_table = node.schema ~ "." ~ node.identifier ~ "__files" %}
    {% do run_query("drop view if exists " ~ node.schema ~ "." ~ node.identifier) %}
    {% do run_query("drop table if exists " ~ files_table) %}
    {% if fmt == 'csv' %}
        {% set options = "path " ~ sql_string(entity_dir ~ "/*.csv") ~ ", header 'true', multiLine 'true', quote '\"', escape '\"', enforceSchema 'false', mode 'FAILFAST', encoding 'UTF-8'" %}
    {% else %}
        {% set options = "path " ~ sql_string(entity_dir ~ "/*.parquet") ~ ", mergeSchema 'true'" %}
    {% endif %}
    {% set ddl = "create table " ~ files_table ~ " using " ~ fmt ~ " options (" ~ options ~ ")" %}
    {% do run_query(ddl) %}
    {#- File names never reach SQL text on Spark; they are held to the same rule all the same. -#}
    {% set files = run_query("select distinct " ~ file_basename('_metadata.file_path') ~ " from " ~ files_table).columns[0].values() | list %}
    {% for f in files | sort %}{% do check_landing_file_name(f, node.name) %}{% endfor %}
    {% set present = run_query("select * from " ~ files_table ~ " limit 0").column_names | map('lower') | list %}
    {% set missing = [] %}
    {% for c in required_columns if c | lower not in present %}{% do missing.append(c) %}{% endfor %}
    {% if missing | length > 0 %}
        {{ exceptions.raise_compiler_error(missing_columns_message(entity_dir ~ "/*." ~ fmt, node.name, missing)) }}
    {% endif %}
    {% do run_query("create or replace view " ~ node.schema ~ "." ~ node.identifier
        ~ " as select *, _metadata.file_path as filename from " ~ files_table) %}
{% endmacro %}
