namespace Ensemble.Client.Commands;

/// <summary>The process exit codes of the ensemble CLI (listed in the README).</summary>
public static class ExitCodes
{
    /// <summary>Finished successfully: the run succeeded, the request was done.</summary>
    public const int Success = 0;

    /// <summary>The run failed (a task failed for good), or the work itself did (a libtorch or I/O error, the silo's own error).</summary>
    public const int Failed = 1;

    /// <summary>The input was invalid: an option, a spec, a missing dataset, an unknown run, an unwritable output directory.</summary>
    public const int BadInput = 2;

    /// <summary>The silo could not be reached (nothing listening, name unresolved, no answer in time), or the cluster's store could not.</summary>
    public const int Unreachable = 3;

    /// <summary>The silo refused the API token (401/403): set <c>ENSEMBLE_TOKEN</c>.</summary>
    public const int Unauthorized = 4;

    /// <summary>The run was cancelled (by <c>ensemble cancel</c> or the API) before it finished.</summary>
    public const int RunCancelled = 5;

    /// <summary>Interrupted (Ctrl-C).</summary>
    public const int Interrupted = 130;
}
