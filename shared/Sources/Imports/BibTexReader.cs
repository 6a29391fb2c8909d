using System.Globalization;
using System.Text;
using SpineReview.Records;

namespace SpineReview.Sources.Imports;

/// <summary>Reads BibTeX: @type{key, field = {value} | "value" | number | macro [# ...], ...}, with @string macros,
/// @comment and @preamble skipped, LaTeX accents and escapes turned into the characters they stand for.</summary>
public static class BibTexReader
{
    /// <summary>The records of a BibTeX text, stored under <paramref name="source"/>; an entry that cannot be read is a
    /// problem at the line it starts on, and reading goes on at the next line that starts with '@'.</summary>
    public static ImportedFile Read(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var scanner = new Scanner(text);
        var records = new List<BibRecord>();
        var problems = new List<ImportProblem>();
        var macros = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["jan"] = "January", ["feb"] = "February", ["mar"] = "March", ["apr"] = "April", ["may"] = "May", ["jun"] = "June",
            ["jul"] = "July", ["aug"] = "August", ["sep"] = "September", ["oct"] = "October", ["nov"] = "November", ["dec"] = "December",
        };
        var entries = 0;
        while (scanner.SkipTo('@'))
        {
            var line = scanner.Line;
            var start = scanner.Position;
            var counted = false;
            try
            {
                scanner.Expect('@');
                var type = scanner.Identifier().ToLowerInvariant();
                if (type == "comment") { scanner.SkipLine(); continue; }
                scanner.SkipSpace();
                var close = scanner.Peek() switch
                {
                    '{' => '}',
                    '(' => ')',
                    var c => throw new FormatException($"expected '{{' or '(' after @{type}, found {Describe(c)}"),
                };
                scanner.Next();
                if (type == "preamble") { scanner.Value(macros); scanner.SkipSpace(); scanner.Expect(close); continue; }
                if (type == "string")
                {
                    var (name, value) = Field(scanner, macros);
                    macros[name] = value;
                    scanner.SkipSpace();
                    scanner.Expect(close);
                    continue;
                }
                (entries, counted) = (entries + 1, true);
                scanner.SkipSpace();
                var key = scanner.Until(',', close).Trim();
                var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                while (true)
                {
                    scanner.SkipSpace();
                    if (scanner.Peek() == ',') { scanner.Next(); scanner.SkipSpace(); }
                    if (scanner.Peek() == close) { scanner.Next(); break; }
                    var (name, value) = Field(scanner, macros);
                    fields.TryAdd(name, value);
                }
                var (record, problem) = Complete(fields, type, key, line, source);
                if (record is not null) records.Add(record);
                if (problem is not null) problems.Add(problem);
            }
            catch (FormatException e)
            {
                // Counted once whether or not it got as far as its key.
                if (!counted) entries++;
                problems.Add(new ImportProblem(line, $"the entry cannot be read: {e.Message} (line {scanner.Line}); it was not imported"));
                scanner.SkipToNextEntry(start);
            }
        }
        return new ImportedFile(ImportFormat.BibTex, records, entries, problems);
    }

    private static (string Name, string Value) Field(Scanner scanner, Dictionary<string, string> macros)
    {
        scanner.SkipSpace();
        if (scanner.Peek() == '@') throw new FormatException("the entry runs into the next one (a closing brace or quote is missing before it)");
        var name = scanner.Identifier();
        if (name.Length == 0) throw new FormatException($"expected a field name, found {Describe(scanner.Peek())}");
        scanner.SkipSpace();
        if (scanner.Peek() != '=') throw new FormatException($"expected '=' after the field name {name}, found {Describe(scanner.Peek())}");
        scanner.Next();
        return (name.ToLowerInvariant(), scanner.Value(macros));
    }

    private static string Describe(char? c) => c is null ? "the end of the file" : $"'{c}'";

    private static (BibRecord?, ImportProblem?) Complete(Dictionary<string, string> f, string type, string key, int line, string source)
    {
        string? Get(params string[] names) => names.Select(n => f.GetValueOrDefault(n)).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v)) is { } v ? Latex.ToText(v) : null;
        var d = new EntryDraft(line)
        {
            // Web of Science writes its accession number as Unique-ID, Scopus as eid; the entry key is the exporter's own and may repeat.
            Accession = Get("unique-id", "eid", "accession-number", "an"),
            Title = Get("title"),
            Abstract = Get("abstract"),
            YearText = Get("year", "date"),
            Doi = Get("doi") ?? (Get("url") is { } url && url.Contains("doi.org/", StringComparison.OrdinalIgnoreCase) ? url : null),
            Pmid = Get("pmid") ?? (Get("eprinttype") is { } et && et.Equals("pubmed", StringComparison.OrdinalIgnoreCase) ? Get("eprint") : null)
                   ?? ImportFields.PmidIn(Get("note")),
            Pmcid = Get("pmcid"),
            Journal = Get("journal", "journaltitle", "booktitle"),
            JournalAbbreviation = Get("journal-iso", "shortjournal", "journalabbreviation"),
            Volume = Get("volume"),
            Issue = Get("number", "issue"),
            Pages = Get("pages")?.Replace("--", "-", StringComparison.Ordinal).Replace("–", "-", StringComparison.Ordinal),
        };
        if (f.TryGetValue("author", out var authors))
        {
            foreach (var (name, group) in SplitAuthors(authors))
            {
                d.Authors.Add(name);
                if (group) d.AsWritten.Add(name);
            }
        }
        d.Types.Add(type switch
        {
            "article" => "Journal Article",
            "inproceedings" or "conference" => "Conference Paper",
            "incollection" or "inbook" => "Book Chapter",
            "phdthesis" or "mastersthesis" or "thesis" => "Thesis",
            "techreport" or "report" => "Report",
            _ => CultureInfo.InvariantCulture.TextInfo.ToTitleCase(type),
        });
        if (Get("type", "document_type") is { } documentType) d.Types.Add(documentType);
        if (Get("keywords", "author-keywords") is { } kw) d.Keywords.AddRange(kw.Split([';', ','], StringSplitOptions.RemoveEmptyEntries));
        if (Get("language", "langid") is { } lang) d.Language.Add(lang);
        var (record, problem) = d.Complete(source);
        return (record, problem is null ? null : problem with { Message = $"{problem.Message.Replace("the entry", $"the entry {key}", StringComparison.Ordinal)}" });
    }

    // "Hallinan, James and Chen, Wei and {Spine AI Consortium}": split on " and " outside braces; a braced name stays whole.
    private static IEnumerable<(string Name, bool Group)> SplitAuthors(string value)
    {
        var depth = 0;
        var from = 0;
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '{') depth++;
            else if (value[i] == '}') depth--;
            else if (depth == 0 && i + 5 <= value.Length && string.Compare(value, i, " and ", 0, 5, StringComparison.OrdinalIgnoreCase) == 0)
            {
                yield return Author(value[from..i]);
                from = i + 5;
                i += 4;
            }
        }
        yield return Author(value[from..]);
    }

    // A name in an extra pair of braces is a group's ("{Spine AI Consortium}"), kept as written.
    private static (string Name, bool Group) Author(string raw)
    {
        var t = raw.Trim();
        return (Latex.ToText(t), t.StartsWith('{') && t.EndsWith('}') && Latex.IsOneGroup(t));
    }

    /// <summary>Reads the text with a line count, so every problem can say where it is.</summary>
    private sealed class Scanner(string text)
    {
        private int _pos;
        public int Line { get; private set; } = 1;
        public int Position => _pos;

        public char? Peek() => _pos < text.Length ? text[_pos] : null;

        public void Next()
        {
            if (_pos >= text.Length) throw new FormatException("the file ends inside the entry");
            if (text[_pos] == '\n') Line++;
            _pos++;
        }

        public void Expect(char c)
        {
            if (Peek() != c) throw new FormatException($"expected '{c}', found {Describe(Peek())}");
            Next();
        }

        public void SkipSpace()
        {
            while (Peek() is { } c && char.IsWhiteSpace(c)) Next();
        }

        public void SkipLine()
        {
            while (Peek() is { } c && c != '\n') Next();
        }

        /// <summary>To the next '@'; false at the end. Text between entries is a comment in BibTeX.</summary>
        public bool SkipTo(char c)
        {
            while (Peek() is { } x && x != c) Next();
            return Peek() == c;
        }

        /// <summary>After a broken entry: on at the next line that starts with '@' (after white space).</summary>
        public void SkipToNextEntry(int start)
        {
            // Stopped on the next entry's '@' at the start of its line: go on from there.
            if (_pos > start && Peek() == '@' && text.LastIndexOf('\n', _pos - 1) is var nl && text[(nl + 1).._pos].Trim().Length == 0) return;
            if (_pos <= start) Next();
            while (Peek() is not null)
            {
                if (Peek() == '\n')
                {
                    Next();
                    var ahead = _pos;
                    while (ahead < text.Length && text[ahead] is ' ' or '\t') ahead++;
                    if (ahead < text.Length && text[ahead] == '@') return;
                }
                else Next();
            }
        }

        public string Identifier()
        {
            var sb = new StringBuilder();
            while (Peek() is { } c && (char.IsLetterOrDigit(c) || c is '_' or '-' or ':' or '.' or '+' or '/')) { sb.Append(c); Next(); }
            return sb.ToString();
        }

        public string Until(char a, char b)
        {
            var sb = new StringBuilder();
            while (Peek() is { } c && c != a && c != b) { sb.Append(c); Next(); }
            if (Peek() is null) throw new FormatException("the file ends inside the entry's key");
            return sb.ToString();
        }

        /// <summary>A field's value: parts joined by '#', each braced, quoted, a number or a macro's name.</summary>
        public string Value(Dictionary<string, string> macros)
        {
            var sb = new StringBuilder();
            while (true)
            {
                SkipSpace();
                switch (Peek())
                {
                    case '{':
                        Next();
                        sb.Append(Balanced('}'));
                        break;
                    case '"':
                        Next();
                        sb.Append(Balanced('"'));
                        break;
                    case { } c when char.IsDigit(c):
                        while (Peek() is { } d && char.IsDigit(d)) { sb.Append(d); Next(); }
                        break;
                    case { } c when char.IsLetter(c):
                        var name = Identifier();
                        sb.Append(macros.TryGetValue(name, out var v) ? v : throw new FormatException($"the value {name} is neither braced, quoted, a number nor a defined @string"));
                        break;
                    case var other:
                        throw new FormatException($"expected a value, found {Describe(other)}");
                }
                SkipSpace();
                if (Peek() != '#') return sb.ToString();
                Next();
            }
        }

        // Up to the closing character at brace depth 0; inner braces are kept for the LaTeX pass.
        private string Balanced(char end)
        {
            var sb = new StringBuilder();
            var depth = 0;
            var opened = Line;
            while (true)
            {
                var c = Peek() ?? throw new FormatException($"a value opened on line {opened} is never closed (a brace or quote is missing)");
                Next();
                if (c == end && depth == 0) return sb.ToString();
                if (c == '{') depth++;
                else if (c == '}')
                {
                    if (depth == 0) throw new FormatException($"a closing brace with no opening one in a value opened on line {opened}");
                    depth--;
                }
                // An '@' at the start of a line inside a value: the value ran into the next entry.
                else if (c == '\n' && depth >= 0 && _pos < text.Length && text[_pos] == '@')
                    throw new FormatException($"a value opened on line {opened} runs into the next entry (a brace or quote is missing)");
                sb.Append(c);
            }
        }
    }
}

/// <summary>LaTeX in BibTeX values, as text: accents and escapes become characters, braces and formatting commands go.</summary>
internal static class Latex
{
    // Each accent command's combining mark, and the letters it composes with as (letter, composed letter) pairs: composed here,
    // since string normalisation is not available with invariant globalization (the hosts run so).
    private static readonly Dictionary<char, (string Mark, string Pairs)> Accents = new()
    {
        ['\''] = ("\u0301", "aácćeégǵiíkḱlĺmḿnńoópṕrŕsśuúwẃyýzźAÁCĆEÉGǴIÍKḰLĹMḾNŃOÓPṔRŔSŚUÚWẂYÝZŹ"),
        ['`'] = ("\u0300", "aàeèiìnǹoòuùwẁyỳAÀEÈIÌNǸOÒUÙWẀYỲ"),
        ['"'] = ("\u0308", "aäeëhḧiïoötẗuüwẅxẍyÿAÄEËHḦIÏOÖUÜWẄXẌYŸ"),
        ['^'] = ("\u0302", "aâcĉeêgĝhĥiîjĵoôsŝuûwŵyŷzẑAÂCĈEÊGĜHĤIÎJĴOÔSŜUÛWŴYŶZẐ"),
        ['~'] = ("\u0303", "aãeẽiĩnñoõuũvṽyỹAÃEẼIĨNÑOÕUŨVṼYỸ"),
        ['='] = ("\u0304", "aāeēgḡiīoōuūyȳAĀEĒGḠIĪOŌUŪYȲ"),
        ['.'] = ("\u0307", "aȧbḃcċdḋeėfḟgġhḣmṁnṅoȯpṗrṙsṡtṫwẇxẋyẏzżAȦBḂCĊDḊEĖFḞGĠHḢIİMṀNṄOȮPṖRṘSṠTṪWẆXẊYẎZŻ"),
        ['c'] = ("\u0327", "cçdḑeȩgģhḩkķlļnņrŗsştţCÇDḐEȨGĢHḨKĶLĻNŅRŖSŞTŢ"),
        ['v'] = ("\u030C", "aǎcčdďeěgǧhȟiǐjǰkǩlľnňoǒrřsštťuǔzžAǍCČDĎEĚGǦHȞIǏKǨLĽNŇOǑRŘSŠTŤUǓZŽ"),
        ['u'] = ("\u0306", "aăeĕgğiĭoŏuŭAĂEĔGĞIĬOŎUŬ"),
        ['H'] = ("\u030B", "oőuűOŐUŰ"),
        ['k'] = ("\u0328", "aąeęiįoǫuųAĄEĘIĮOǪUŲ"),
        ['r'] = ("\u030A", "aåuůwẘyẙAÅUŮ"),
    };

    private static readonly Dictionary<string, string> Symbols = new(StringComparer.Ordinal)
    {
        ["ss"] = "ß", ["o"] = "ø", ["O"] = "Ø", ["ae"] = "æ", ["AE"] = "Æ", ["aa"] = "å", ["AA"] = "Å", ["l"] = "ł", ["L"] = "Ł", ["i"] = "ı",
        ["oe"] = "œ", ["OE"] = "Œ", ["textendash"] = "–", ["textemdash"] = "—", ["textquoteright"] = "’", ["textasciitilde"] = "~",
    };

    /// <summary>True when the text is one braced group ("{Spine AI Consortium}", not "{A} and {B}").</summary>
    public static bool IsOneGroup(string t)
    {
        var depth = 0;
        for (var i = 0; i < t.Length; i++)
        {
            if (t[i] == '{') depth++;
            else if (t[i] == '}' && --depth == 0 && i < t.Length - 1) return false;
        }
        return true;
    }

    public static string ToText(string value)
    {
        var sb = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c is '{' or '}') continue;
            if (c == '~') { sb.Append(' '); continue; }
            if (c == '-' && i + 1 < value.Length && value[i + 1] == '-')
            {
                var em = i + 2 < value.Length && value[i + 2] == '-';
                sb.Append(em ? '—' : '–');
                i += em ? 2 : 1;
                continue;
            }
            if (c != '\\' || i + 1 >= value.Length) { sb.Append(c); continue; }
            var n = value[i + 1];
            if (n is '&' or '%' or '$' or '_' or '#' or '{' or '}' or ' ') { sb.Append(n); i++; continue; }
            // A letter names an accent only when a brace or space follows (\c{c}, \v c), not in a longer command (\cite).
            if (Accents.TryGetValue(n, out var mark) && (!char.IsLetter(n) || i + 2 < value.Length && value[i + 2] is '{' or ' '))
            {
                // \"{o}, \"o, {\"o}, \c{c}, \v c: the next letter (inside braces or after a space) takes the mark.
                var j = i + 2;
                while (j < value.Length && value[j] is '{' or ' ') j++;
                if (j < value.Length && value[j] == '\\' && j + 1 < value.Length && value[j + 1] == 'i') { sb.Append(Compose('i', mark)); i = j + 1; }
                else if (j < value.Length && char.IsLetter(value[j])) { sb.Append(Compose(value[j], mark)); i = j; }
                else i++;
                continue;
            }
            // A command: a symbol it stands for, else dropped (its braced argument stays as text: \textit{x} gives x).
            var k = i + 1;
            while (k < value.Length && char.IsLetter(value[k])) k++;
            var command = value[(i + 1)..k];
            if (Symbols.TryGetValue(command, out var symbol)) sb.Append(symbol);
            i = k - 1;
            if (k < value.Length && value[k] == ' ' && command.Length > 0) i = k;
        }
        return sb.ToString();
    }

    private static string Compose(char letter, (string Mark, string Pairs) accent)
    {
        for (var p = 0; p + 1 < accent.Pairs.Length; p += 2)
            if (accent.Pairs[p] == letter) return accent.Pairs[p + 1].ToString();
        return letter + accent.Mark;
    }
}
