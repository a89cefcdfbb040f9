namespace Ensemble.Contracts.Reports;

/// <summary>How much a distilled student gained over the baseline on the test set.</summary>
/// <param name="Student">The student's name in the report, e.g. <c>student</c> or <c>student-ls</c>.</param>
/// <param name="Points">Its test accuracy minus the baseline's, in percentage points.</param>
public sealed record StudentGain(string Student, double Points);
