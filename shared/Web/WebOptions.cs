namespace SpineReview.Web;

/// <summary>Who may use the web app's pages (section "Web"); the living review is public.</summary>
public sealed class WebOptions
{
    public const string Section = "Web";
    /// <summary>Sign-in names of the reviewers (comma- or semicolon-separated): screening, conflicts, charting, duplicates.</summary>
    public string? Reviewers { get; set; }
    /// <summary>Sign-in names of the admins (comma- or semicolon-separated): the admin page.</summary>
    public string? Admins { get; set; }
    /// <summary>In Azure: the object id of a Microsoft Entra group whose members are reviewers (from the sign-in's groups claim).</summary>
    public string? ReviewerGroup { get; set; }
    /// <summary>In Azure: the object id of a Microsoft Entra group whose members are admins.</summary>
    public string? AdminGroup { get; set; }
    /// <summary>Folder for the keys that sign cookies and anti-forgery tokens; empty: a blob in storage (the Function App).</summary>
    public string? KeysDirectory { get; set; }

    /// <summary>The reviewers named in <see cref="Reviewers"/>.</summary>
    public IReadOnlyList<string> ReviewerList() => Split(Reviewers);

    /// <summary>The admins named in <see cref="Admins"/>.</summary>
    public IReadOnlyList<string> AdminList() => Split(Admins);

    private static string[] Split(string? names) => (names ?? "").Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
