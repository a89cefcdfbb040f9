namespace Ensemble.Silo.Tests.Storage.Sqlite;

/// <summary>A counter kept in whichever storage is the silo's default.</summary>
public interface IDefaultCounterGrain : IGrainWithStringKey
{
    /// <summary>Adds <paramref name="amount"/>, writes the state, and returns the new count.</summary>
    Task<int> AddAsync(int amount);
}
