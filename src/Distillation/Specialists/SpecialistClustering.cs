namespace Ensemble.Distillation.Specialists;

/// <summary>How <see cref="ClassClusterer"/> groups confusable classes.</summary>
public enum SpecialistClustering
{
    /// <summary>Agglomerative clustering (average linkage) of the generalist's symmetric expected confusion matrix.</summary>
    Confusion,

    /// <summary>K-means on the columns of the covariance matrix of the generalist's predictions (Hinton et al. 2015, §5.2).</summary>
    Covariance,
}
