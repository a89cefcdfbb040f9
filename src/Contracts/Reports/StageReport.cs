namespace Ensemble.Contracts.Reports;

/// <summary>How long one task of the run took.</summary>
/// <param name="Task">The task id, e.g. <c>teacher/0</c>.</param>
/// <param name="Seconds">Its wall time.</param>
/// <param name="Skipped">Whether it had nothing to do.</param>
public sealed record StageReport(string Task, double Seconds, bool Skipped);
