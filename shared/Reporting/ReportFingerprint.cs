using System.Security.Cryptography;
using System.Text.Json;

namespace SpineReview.Reporting;

/// <summary>
/// What a report shows, as one SHA-256 of its model written as JSON (everything the components draw from, the version and the
/// dates included). The PDF is a function of the model, so two models with one fingerprint render to the same bytes: whether
/// anything changed is decided on the model, without rendering.
/// </summary>
public static class ReportFingerprint
{
    public static string Of(ReportModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(model, ReportModelJson.Default.ReportModel)));
    }
}
