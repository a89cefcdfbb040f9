using Xunit.Sdk;

namespace Ensemble.Silo.Tests.Storage.Sqlite;

/// <summary>The state of an <see cref="IGrainState{T}"/> that a provider has filled (Orleans declares it nullable).</summary>
internal static class GrainStateExtensions
{
    public static T Value<T>(this IGrainState<T> grainState) where T : class =>
        grainState.State ?? throw new XunitException("The provider left the grain state null.");
}
