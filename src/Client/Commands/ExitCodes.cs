namespace Ensemble.Client.Commands;

/// <summary>The process exit codes of the ensemble CLI.</summary>
public static class ExitCodes
{
    /// <summary>Finished successfully.</summary>
    public const int Success = 0;

    /// <summary>The work itself failed (a libtorch error, an I/O error while training).</summary>
    public const int Failed = 1;

    /// <summary>The input was invalid: an option, a spec, a missing or malformed dataset.</summary>
    public const int BadInput = 2;

    /// <summary>Interrupted (Ctrl-C).</summary>
    public const int Cancelled = 130;
}
