namespace Ensemble.Grains;

/// <summary>The grain storage providers Ensemble's grains persist through.</summary>
public static class StorageNames
{
    /// <summary>The one storage every Ensemble grain uses: SQLite embedded, PostgreSQL (ADO.NET) in a cluster.</summary>
    public const string Ensemble = "ensemble";
}
