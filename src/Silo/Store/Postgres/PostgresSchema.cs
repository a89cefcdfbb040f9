namespace Ensemble.Silo.Store.Postgres;

/// <summary>
/// The PostgreSQL schema, versioned in code: <see cref="Migrations"/>[i] takes a store from version i to i + 1.
/// Tables go into the first schema of the connection's search path.
/// </summary>
internal static class PostgresSchema
{
    /// <summary>The table recording which migrations a store has had.</summary>
    public const string SchemaVersionTable =
        "CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL)";

    /// <summary>Every migration, in order. Append; never edit one that has shipped.</summary>
    public static IReadOnlyList<string> Migrations { get; } =
    [
        // 1: runs, tasks and their dependencies, artifacts, events, silos.
        """
        CREATE TABLE runs (
            seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
            run_id text PRIMARY KEY,
            name text NOT NULL,
            spec_json text NOT NULL,
            state text NOT NULL,
            teachers_min integer NOT NULL,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL,
            error text
        );
        CREATE TABLE tasks (
            run_id text NOT NULL REFERENCES runs (run_id),
            task_id text NOT NULL,
            position integer NOT NULL,
            kind text NOT NULL,
            task_index integer NOT NULL,
            state text NOT NULL,
            excused boolean NOT NULL DEFAULT FALSE,
            attempt integer NOT NULL DEFAULT 0,
            max_attempts integer NOT NULL,
            fence bigint NOT NULL DEFAULT 0,
            lease_owner text,
            lease_expires_at timestamptz,
            not_before timestamptz,
            progress_json text,
            result_json text,
            error text,
            started_at timestamptz,
            finished_at timestamptz,
            PRIMARY KEY (run_id, task_id)
        );
        CREATE INDEX tasks_by_state ON tasks (state);
        CREATE INDEX tasks_by_lease_owner ON tasks (lease_owner) WHERE lease_owner IS NOT NULL;
        CREATE TABLE task_dependencies (
            run_id text NOT NULL,
            task_id text NOT NULL,
            position integer NOT NULL,
            depends_on text NOT NULL,
            PRIMARY KEY (run_id, task_id, position),
            FOREIGN KEY (run_id, task_id) REFERENCES tasks (run_id, task_id),
            FOREIGN KEY (run_id, depends_on) REFERENCES tasks (run_id, task_id)
        );
        CREATE INDEX task_dependencies_by_dependency ON task_dependencies (run_id, depends_on);
        CREATE TABLE artifacts (
            run_id text NOT NULL REFERENCES runs (run_id),
            name text NOT NULL,
            sha256 text NOT NULL,
            size bigint NOT NULL,
            task_id text NOT NULL,
            created_at timestamptz NOT NULL,
            PRIMARY KEY (run_id, name)
        );
        CREATE TABLE events (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            run_id text NOT NULL,
            at timestamptz NOT NULL,
            task_id text,
            kind text NOT NULL,
            message text NOT NULL,
            data_json text
        );
        CREATE INDEX events_by_run ON events (run_id, id);
        CREATE TABLE silos (
            silo_id text PRIMARY KEY,
            host text NOT NULL,
            url text,
            slots integer NOT NULL,
            started_at timestamptz NOT NULL,
            heartbeat_at timestamptz NOT NULL,
            stopped boolean NOT NULL DEFAULT FALSE
        );
        """,
    ];
}
