using System.Text.Json.Nodes;
using System.Xml;
using System.Xml.Linq;

namespace SpineReview.Sources.EuropePmc;

/// <summary>Turns a Europe PMC format=xml answer into the JSON shape of format=json, element for element.</summary>
internal static class EuropePmcXml
{
    // Elements that hold lists in the JSON form.
    private static readonly HashSet<string> Lists = ["result", "author", "authorAffiliation", "pubType", "meshHeading", "keyword", "meshQualifier", "fullTextUrl", "grant"];

    public static byte[] ToJson(Stream xml)
    {
        XDocument doc;
        try
        {
            using var reader = XmlReader.Create(xml, new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore, XmlResolver = null });
            doc = XDocument.Load(reader);
        }
        catch (XmlException e)
        {
            throw new SourceException($"Europe PMC answer is cut short or malformed XML: {ParseErrors.Describe(e)}", e);
        }
        var node = Convert(doc.Root!);
        return System.Text.Encoding.UTF8.GetBytes(node?.ToJsonString() ?? "{}");
    }

    private static JsonNode? Convert(XElement e)
    {
        if (!e.HasElements) return JsonValue.Create(e.Value);
        var obj = new JsonObject();
        foreach (var group in e.Elements().GroupBy(c => c.Name.LocalName))
        {
            if (Lists.Contains(group.Key))
                obj[group.Key] = new JsonArray(group.Select(Convert).ToArray());
            else
                obj[group.Key] = Convert(group.Last());
        }
        return obj;
    }
}
