namespace Ensemble.Silo.Tests.Storage.Sqlite;

/// <summary>A counter kept in the SQLite grain storage named "ensemble".</summary>
public interface ICounterGrain : IGrainWithStringKey
{
    /// <summary>Adds <paramref name="amount"/>, writes the state, and returns the new count.</summary>
    Task<int> AddAsync(int amount);

    /// <summary>The count as loaded or last written.</summary>
    Task<int> GetAsync();

    /// <summary>Whether the state was found in storage.</summary>
    Task<bool> RecordExistsAsync();

    /// <summary>Clears the stored state.</summary>
    Task ClearAsync();
}
