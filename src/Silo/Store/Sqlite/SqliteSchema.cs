namespace Ensemble.Silo.Store.Sqlite;

/// <summary>
/// The SQLite schema, versioned in code: <see cref="Migrations"/>[i] takes a store from version i to i + 1. Times
/// are UTC ISO-8601 text with seven fractional digits (exact, and ordered as text); booleans are 0/1.
/// </summary>
internal static class SqliteSchema
{
    /// <summary>The table recording which migrations a store has had.</summary>
    public const string SchemaVersionTable =
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)";

    /// <summary>Every migration, in order. Append; never edit one that has shipped.</summary>
    public static IReadOnlyList<string> Migrations { get; } =
    [
        // 1: runs, tasks and their dependencies, artifacts, events, silos.
        """
        CREATE TABLE runs (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            run_id TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            spec_json TEXT NOT NULL,
            state TEXT NOT NULL,
            teachers_min INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            error TEXT
        );
        CREATE TABLE tasks (
            run_id TEXT NOT NULL REFERENCES runs (run_id),
            task_id TEXT NOT NULL,
            position INTEGER NOT NULL,
            kind TEXT NOT NULL,
            task_index INTEGER NOT NULL,
            state TEXT NOT NULL,
            excused INTEGER NOT NULL DEFAULT 0,
            attempt INTEGER NOT NULL DEFAULT 0,
            max_attempts INTEGER NOT NULL,
            fence INTEGER NOT NULL DEFAULT 0,
            lease_owner TEXT,
            lease_expires_at TEXT,
            not_before TEXT,
            progress_json TEXT,
            result_json TEXT,
            error TEXT,
            started_at TEXT,
            finished_at TEXT,
            PRIMARY KEY (run_id, task_id)
        );
        CREATE INDEX tasks_by_state ON tasks (state);
        CREATE INDEX tasks_by_lease_owner ON tasks (lease_owner) WHERE lease_owner IS NOT NULL;
        CREATE TABLE task_dependencies (
            run_id TEXT NOT NULL,
            task_id TEXT NOT NULL,
            position INTEGER NOT NULL,
            depends_on TEXT NOT NULL,
            PRIMARY KEY (run_id, task_id, position),
            FOREIGN KEY (run_id, task_id) REFERENCES tasks (run_id, task_id),
            FOREIGN KEY (run_id, depends_on) REFERENCES tasks (run_id, task_id)
        );
        CREATE INDEX task_dependencies_by_dependency ON task_dependencies (run_id, depends_on);
        CREATE TABLE artifacts (
            run_id TEXT NOT NULL REFERENCES runs (run_id),
            name TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            size INTEGER NOT NULL,
            task_id TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (run_id, name)
        );
        CREATE TABLE events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            run_id TEXT NOT NULL,
            at TEXT NOT NULL,
            task_id TEXT,
            kind TEXT NOT NULL,
            message TEXT NOT NULL,
            data_json TEXT
        );
        CREATE INDEX events_by_run ON events (run_id, id);
        CREATE TABLE silos (
            silo_id TEXT PRIMARY KEY,
            host TEXT NOT NULL,
            url TEXT,
            slots INTEGER NOT NULL,
            started_at TEXT NOT NULL,
            heartbeat_at TEXT NOT NULL,
            stopped INTEGER NOT NULL DEFAULT 0
        );
        """,
    ];
}
