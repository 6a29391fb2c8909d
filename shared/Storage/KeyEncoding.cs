namespace SpineReview.Storage;

/// <summary>Encodes values for PartitionKey/RowKey, which may not hold '/', '\', '#', '?' or control characters.</summary>
public static class KeyEncoding
{
    /// <summary>Percent-encodes the characters a table key cannot hold; other characters stay readable.</summary>
    public static string Encode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var sb = new System.Text.StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c is '/' or '\\' or '#' or '?' or '%' || char.IsControl(c))
                sb.Append('%').Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            else
                sb.Append(c);
        }
        return sb.ToString();
    }
}
