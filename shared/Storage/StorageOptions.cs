namespace SpineReview.Storage;

/// <summary>Storage naming. The connection itself is the Functions setting AzureWebJobsStorage, shared by both hosts.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";
    /// <summary>Prefix of every table, queue and container name (lower-case letters and digits, starting with a letter).</summary>
    public string Prefix { get; set; } = "spine";

    /// <summary>The prefix of a replayed run (Replay:Directory set) when Storage:Prefix is not set: the recorded sample stays apart from the live review.</summary>
    public const string DemoPrefix = "spinedemo";
}
