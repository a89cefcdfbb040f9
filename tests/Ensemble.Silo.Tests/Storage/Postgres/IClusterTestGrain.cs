namespace Ensemble.Silo.Tests.Storage.Postgres;

/// <summary>A grain whose state and reminders live in PostgreSQL, for the cluster tests.</summary>
public interface IClusterTestGrain : IGrainWithStringKey
{
    /// <summary>Stores <paramref name="value"/> in the grain's persistent state.</summary>
    Task SetAsync(string value);

    /// <summary>The stored value (null if never set).</summary>
    Task<string?> GetAsync();

    /// <summary>The silo the grain is active on.</summary>
    Task<string> SiloAsync();

    /// <summary>Registers (or updates) a reminder due after, and repeating every, <paramref name="period"/>.</summary>
    Task RegisterReminderAsync(string name, TimeSpan period);

    /// <summary>Whether the reminder service knows the reminder <paramref name="name"/> for this grain.</summary>
    Task<bool> HasReminderAsync(string name);
}
