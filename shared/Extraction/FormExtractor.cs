using System.Globalization;
using System.Text.RegularExpressions;

namespace SpineReview.Extraction;

/// <summary>
/// The review's extraction form filled from title, abstract, keywords, MeSH and affiliations: every field, each value with the
/// span of text it came from. Pure: the same text always gives the same values.
/// </summary>
public static partial class FormExtractor
{
    /// <summary>Stored with every value; a new version (of these patterns or of the modality and region ones) re-extracts stored studies, keeping people's corrections.</summary>
    public const string Version = "form-1.3+" + KeywordExtractor.Version;

    /// <summary>The form's fields, in the order the report and exports use.</summary>
    public static IReadOnlyList<string> Fields { get; } =
    [
        "modality", "mriSequence", "region", "condition", "application", "task", "dlMethod", "architectures", "subjects", "images",
        "datasetOrigin", "datasetNames", "split", "crossValidation", "externalValidation", "metrics", "codeAvailable", "codeUrl", "country", "industry",
        "expertise", "studyType", "studyDesign", "surgery",
    ];

    /// <summary>What a person may set each field to: a closed vocabulary, "number", "yes/no", or free text (null). Single marks one value.</summary>
    public static IReadOnlyDictionary<string, (IReadOnlyList<string>? Allowed, bool Single)> Vocabulary { get; } =
        new Dictionary<string, (IReadOnlyList<string>?, bool)>(StringComparer.Ordinal)
        {
            ["modality"] = (["MRI", "CT", "Radiograph", "Ultrasound", "DEXA", "Fluoroscopy", "Other"], false),
            ["mriSequence"] = (null, false),
            ["region"] = (["Cervical", "Thoracic", "Lumbar", "Sacral", "WholeSpine"], false),
            ["condition"] = (["Degenerative", "Deformity", "Fracture", "Neoplasm", "Osteoporosis", "SpinalCord", "Surgical", "Other"], true),
            ["application"] = (["Diagnostic", "DecisionSupport", "Assessment", "OutcomePrediction", "Combined", "Other"], true),
            ["task"] = (["Classification", "Regression", "Segmentation", "Detection", "Landmark", "Generation"], false),
            ["dlMethod"] = (["CNN", "LSTM", "RNN", "GAN", "RBFN", "MLP", "SOM", "DBN", "RBM", "Transformer", "Other"], false),
            ["architectures"] = (["U-Net", "ResNet", "VGG", "DenseNet", "Inception", "YOLO", "Faster R-CNN", "Mask R-CNN", "AlexNet", "Transformer", "LSTM", "GAN", "MLP", "Other CNN"], false),
            ["subjects"] = (["number"], true),
            ["images"] = (["number"], true),
            ["datasetOrigin"] = (["SingleCentre", "MultiCentre", "PublicDataset", "Registry", "Synthetic", "Combined"], false),
            ["datasetNames"] = (null, false),
            ["split"] = (null, true),
            ["crossValidation"] = (["true", "false"], true),
            ["externalValidation"] = (["true", "false"], true),
            ["metrics"] = (["AUC", "Accuracy", "Sensitivity", "Specificity", "PPV", "Precision", "Recall", "F1", "Dice", "IoU", "Hausdorff", "MAE", "Kappa", "ICC"], false),
            ["codeAvailable"] = (["true", "false"], true),
            ["codeUrl"] = (null, true),
            ["country"] = (null, true),
            ["industry"] = (["true", "false"], true),
            ["expertise"] = (["Health", "DataScience", "Both"], true),
            ["studyType"] = (["Basic", "Clinical", "Epidemiological", "Interventional", "Observational"], false),
            ["studyDesign"] = (["CrossSectional", "Cohort", "CaseControl", "Descriptive", "CaseSeries", "Retrospective", "Prospective"], false),
            ["surgery"] = (null, false),
        };

    /// <summary>Extracts every field. <paramref name="text"/> is title, then a line break, then abstract, keywords and MeSH.</summary>
    public static IReadOnlyList<ExtractedField> Extract(string text, IReadOnlyList<string>? affiliations = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        affiliations ??= [];
        var tasks = Task(text);
        var subjects = Count("subjects", text, SubjectNouns());
        var names = Many("datasetNames", text, DatasetNames);
        return
        [
            Versioned(KeywordExtractor.Modality(text)),
            Many("mriSequence", text, Sequences),
            Region(text),
            Condition(text),
            Application(text),
            tasks,
            Many("dlMethod", text, Methods),
            Architectures(text),
            subjects,
            OnePerSubject(text, subjects, Count("images", text, ImageNouns())),
            Origin(text, names),
            names,
            Split(text),
            Flag("crossValidation", text, CrossValidation(), null),
            ExternalValidation(text),
            Many("metrics", text, Metrics),
            Code(text, out var url),
            url,
            Country(affiliations),
            Industry(affiliations),
            Expertise(affiliations),
            Many("studyType", text, StudyTypes),
            Many("studyDesign", text, Designs),
            Many("surgery", text, Surgeries),
        ];
    }

    private static ExtractedField Versioned(ExtractedField f) => f with { ExtractorVersion = Version };

    // The review counts one region, several regions, or the whole spine: a whole-spine study is that, whatever levels it names.
    private static ExtractedField Region(string text)
    {
        var f = KeywordExtractor.Region(text);
        var whole = f.Values.Where(v => v.Value == "WholeSpine").ToList();
        return new ExtractedField("region", whole.Count > 0 ? whole : f.Values, Version);
    }

    // Set-valued fields: every vocabulary value whose pattern matches, with its first match as evidence.
    private static ExtractedField Many(string field, string text, (string Value, Regex Pattern)[] vocabulary)
    {
        var values = new List<ExtractedValue>();
        foreach (var (value, pattern) in vocabulary)
        {
            var m = pattern.Match(text);
            if (m.Success && values.All(v => v.Value != value)) values.Add(Value(value, text, m));
        }
        return new ExtractedField(field, values, Version);
    }

    // One value: the vocabulary entry named most often (title mentions count three times); ties go to the earlier entry.
    private static ExtractedField Best(string field, string text, (string Value, Regex Pattern)[] vocabulary)
    {
        var titleEnd = TitleEnd(text);
        (ExtractedValue? Value, int Score) best = (null, 0);
        foreach (var (value, pattern) in vocabulary)
        {
            var matches = pattern.Matches(text);
            if (matches.Count == 0) continue;
            var score = matches.Sum(m => m.Index < titleEnd ? 3 : 1);
            if (score > best.Score) best = (Value(value, text, matches[0]), score);
        }
        return new ExtractedField(field, best.Value is null ? [] : [best.Value], Version);
    }

    // The form needs a condition: a study that names none of the listed ones is "Other".
    private static ExtractedField Condition(string text)
    {
        // Degenerative myelopathy is a disease of the cord's surroundings: named, it wins over the cord it compresses.
        if (DegenerativeMyelopathy().Match(text) is { Success: true } dm) return new ExtractedField("condition", [Value("Degenerative", text, dm)], Version);
        var f = Best("condition", text, Conditions);
        return f.Values.Count > 0 ? f : new ExtractedField("condition", [new ExtractedValue("Other", "none of the listed conditions is named", 0, 0)], Version);
    }

    [GeneratedRegex(@"\b(?:degenerative cervical|cervical spondylotic|spondylotic) myelopathy\b", RegexOptions.IgnoreCase)]
    private static partial Regex DegenerativeMyelopathy();

    private static ExtractedValue Value(string value, string text, Match m) => new(value, KeywordExtractor.Context(text, m.Index, m.Length), m.Index, m.Length);

    private static int TitleEnd(string text) => text.IndexOf('\n', StringComparison.Ordinal) is var i and >= 0 ? i : text.Length;

    // A yes/no field: "true" with the evidence when the pattern matches outside a negation, else "false" (no evidence).
    // The negation is looked for close to the match, within its sentence: "no external validation was performed" and
    // "external validation was not performed" deny it; "validated at another hospital with no loss of accuracy" does not.
    private static ExtractedField Flag(string field, string text, Regex yes, Regex? negated, Func<string, string, bool>? alsoRequired = null, Regex? deferred = null)
    {
        foreach (Match m in yes.Matches(text))
        {
            var sentence = Sentence(text, m.Index, out var sentenceStart);
            var from = Math.Max(sentenceStart, m.Index - 50);
            var to = Math.Min(sentenceStart + sentence.Length, m.Index + m.Length + 30);
            if (negated is not null && negated.IsMatch(text[from..to])) continue;
            // "External validation in a larger population is warranted": put off to later work, however far the words are.
            if (deferred is not null && deferred.IsMatch(text[from..(sentenceStart + sentence.Length)])) continue;
            if (alsoRequired is not null && !alsoRequired(sentence, m.Value)) continue;
            return new ExtractedField(field, [Value("true", text, m)], Version);
        }
        return new ExtractedField(field, [new ExtractedValue("false", "", 0, 0)], Version);
    }

    private static string Sentence(string text, int index, out int start)
    {
        start = index == 0 ? 0 : text.LastIndexOfAny(['.', '\n', ';'], index - 1) + 1;
        var end = text.IndexOfAny(['.', '\n', ';'], index);
        return text[start..(end < 0 ? text.Length : end)];
    }

    // Task: "detect" in the diagnostic sense (is there a fracture?) is classification; detection in the deep-learning sense
    // needs localisation (boxes, a detector, "locate").
    private static ExtractedField Task(string text)
    {
        var found = Many("task", text, Tasks).Values.ToList();
        // Localising landmarks, key points or centroids is landmark detection, not object detection: a detection named only
        // in such sentences does not count.
        if (found.FindIndex(v => v.Value == "Detection") is var d and >= 0 && !Detections(text))
            found.RemoveAt(d);
        // An error in degrees or millimetres is how landmarks, masks and synthetic images are scored too: it names a regression
        // only when no other task is named.
        if (found.FindIndex(v => v.Value == "Regression") is var r and >= 0 && !RegressionWords().IsMatch(text)
            && found.Any(v => v.Value is "Landmark" or "Segmentation" or "Generation" or "Detection"))
            found.RemoveAt(r);
        var localised = found.Any(v => v.Value == "Detection");
        if (!localised && found.All(v => v.Value != "Classification") && DiagnosticDetect().Match(text) is { Success: true } m)
            found.Insert(0, Value("Classification", text, m));
        return new ExtractedField("task", found, Version);
    }

    [GeneratedRegex(@"\bdetect\w*|\bscreen(?:s|ed|ing)? for\b", RegexOptions.IgnoreCase)]
    private static partial Regex DiagnosticDetect();

    private static bool Detections(string text)
    {
        foreach (Match m in Tasks.First(t => t.Value == "Detection").Pattern.Matches(text))
        {
            var sentence = Sentence(text, m.Index, out _);
            if (StrongDetection().IsMatch(m.Value) || !LandmarkWords().IsMatch(sentence)) return true;
        }
        return false;
    }

    [GeneratedRegex(@"bounding|detector|YOLO|R-?CNN|RetinaNet|SSD|object detection", RegexOptions.IgnoreCase)]
    private static partial Regex StrongDetection();

    [GeneratedRegex(@"\blandmarks?\b|\bkey ?points?\b|\bcentroids?\b|\bcorners?\b|\bpositions? of\b|\bcoordinates\b", RegexOptions.IgnoreCase)]
    private static partial Regex LandmarkWords();

    [GeneratedRegex(@"\bregress\w*|\bestimat\w* (?:of )?(?:the )?(?:age|angle|bone|density|BMD|Cobb|height|score)|\bpredict(?:s|ed|ing)? (?:the )?(?:continuous|values?|bone mineral density|BMD|angle|time to)", RegexOptions.IgnoreCase)]
    private static partial Regex RegressionWords();

    // Application: what the model is for.
    private static ExtractedField Application(string text)
    {
        var found = Many("application", text, Applications).Values.ToList();
        if (found.Count > 1 && found.Any(v => v.Value == "Diagnostic") && found.Count(v => v.Value != "Diagnostic") == 1)
        {
            // "Diagnosis" is named by most studies in passing; another named purpose is the purpose.
            found = found.Where(v => v.Value != "Diagnostic").ToList();
        }
        if (found.Count > 1) return new ExtractedField("application", [found[0] with { Value = "Combined" }], Version);
        return new ExtractedField("application", found, Version);
    }

    // Architectures: named families, variants mapped ("ResNet-50" to ResNet, "3D U-Net" to U-Net); a CNN named without a
    // listed family is "Other CNN".
    private static ExtractedField Architectures(string text)
    {
        var values = Many("architectures", text, Families).Values.ToList();
        var otherCnn = OtherCnn().Match(text);
        if (NamedOtherCnn().Match(text) is { Success: true } named)
            values.Add(Value("Other CNN", text, named));
        else if (otherCnn.Success && !values.Any(v => v.Value is "U-Net" or "ResNet" or "VGG" or "DenseNet" or "Inception" or "YOLO" or "Faster R-CNN" or "Mask R-CNN" or "AlexNet"))
            values.Add(Value("Other CNN", text, otherCnn));
        return new ExtractedField("architectures", values, Version);
    }

    // Counts: the largest number written before a noun of the kind ("1,234 patients", "n = 512 patients", "two hundred
    // patients"): the total is larger than any subgroup, which is what the form asks for.
    private static ExtractedField Count(string field, string text, Regex nouns)
    {
        (long N, Match M)? best = null;
        if (field == "subjects" && MenAndWomen().Match(text) is { Success: true } mw
            && ParseNumber(mw.Groups["a"].Value) is long first && ParseNumber(mw.Groups["b"].Value) is long second)
            best = (first + second, mw);
        foreach (Match m in nouns.Matches(text))
        {
            // Fewer than ten images or two people is a detail ("two neighbouring slices"), not the study's size.
            if (ParseNumber(m.Groups["n"].Value) is not long n || n < (field == "images" ? 10 : 2) || n > 50_000_000) continue;
            // A year or a percentage is not a count.
            if (m.Groups["n"].Value.Length == 4 && n is >= 1950 and <= 2035 && !m.Groups["n"].Value.Contains(',', StringComparison.Ordinal)) continue;
            if (best is null || n > best.Value.N) best = (n, m);
        }
        if (best is { } found && ExternalCount(text, nouns, found.M, field) is { } external)
        {
            // The offsets span both counts, so the evidence points at the numbers the total is the sum of.
            var start = Math.Min(found.M.Index, external.M.Index);
            var end = Math.Max(found.M.Index + found.M.Length, external.M.Index + external.M.Length);
            return new ExtractedField(field, [new ExtractedValue((found.N + external.N).ToString(CultureInfo.InvariantCulture),
                $"{KeywordExtractor.Context(text, found.M.Index, found.M.Length)} + {KeywordExtractor.Context(text, external.M.Index, external.M.Length)}", start, end - start)], Version);
        }
        return new ExtractedField(field, best is { } b ? [Value(b.N.ToString(CultureInfo.InvariantCulture), text, b.M)] : [], Version);
    }

    // "1,164 patients ... An external test set of 212 patients from a community hospital": the form counts everyone the study
    // used, so a count given apart for an external or independent set, in another sentence, is added; one said to be part of
    // the first ("of these", "including") is not.
    private static (long N, Match M)? ExternalCount(string text, Regex nouns, Match development, string field)
    {
        var developmentSentence = Sentence(text, development.Index, out var developmentStart);
        if (ExternalSetWords().IsMatch(developmentSentence)) return null;
        (long N, Match M)? found = null;
        IEnumerable<Match> candidates = nouns.Matches(text);
        if (field == "subjects") candidates = candidates.Concat(BareCount().Matches(text));
        foreach (var m in candidates)
        {
            var sentence = Sentence(text, m.Index, out var start);
            if (start == developmentStart || !ExternalSetWords().IsMatch(sentence) || PartOf().IsMatch(sentence)) continue;
            if (ParseNumber(m.Groups["n"].Value) is not long n || n < 2 || n >= ParseNumber(development.Groups["n"].Value)) continue;
            if (found is null || n > found.Value.N) found = (n, m);
        }
        return found;
    }

    [GeneratedRegex(@"\b(?:external(?:ly)?|independent|separate|another|second|other|further|additional|distinct|different)\b", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalSetWords();

    [GeneratedRegex(@"\b(?:of (?:these|them|whom|which|those)|among (?:them|these|whom)|including|included in|subset|part of|out of|held[- ]out|held out|remaining)\b", RegexOptions.IgnoreCase)]
    private static partial Regex PartOf();

    // "(n = 540)" after a cohort named in words.
    [GeneratedRegex(@"\(\s*n\s*=\s*(?<n>\d{1,3}(?:,\d{3})+|\d+)\s*\)", RegexOptions.IgnoreCase)]
    private static partial Regex BareCount();

    private static readonly Dictionary<string, int> Units = new(StringComparer.OrdinalIgnoreCase)
    {
        ["one"] = 1, ["two"] = 2, ["three"] = 3, ["four"] = 4, ["five"] = 5, ["six"] = 6, ["seven"] = 7, ["eight"] = 8, ["nine"] = 9, ["ten"] = 10,
        ["eleven"] = 11, ["twelve"] = 12, ["thirteen"] = 13, ["fourteen"] = 14, ["fifteen"] = 15, ["sixteen"] = 16, ["seventeen"] = 17,
        ["eighteen"] = 18, ["nineteen"] = 19, ["twenty"] = 20, ["thirty"] = 30, ["forty"] = 40, ["fifty"] = 50, ["sixty"] = 60,
        ["seventy"] = 70, ["eighty"] = 80, ["ninety"] = 90,
    };

    /// <summary>"1,234", "1 234", "1234", "two hundred", "one thousand two hundred and five": the number, or null.</summary>
    public static long? ParseNumber(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var digits = s.Replace(",", "", StringComparison.Ordinal).Replace("\u2009", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);
        if (digits.Length > 0 && digits.All(char.IsDigit))
            return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var d) ? d : null;
        long total = 0, current = 0;
        var any = false;
        foreach (var word in s.ToLowerInvariant().Split([' ', '-'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (word == "and") continue;
            if (Units.TryGetValue(word, out var u)) { current += u; any = true; }
            else if (word == "hundred") { current = Math.Max(1, current) * 100; any = true; }
            else if (word == "thousand") { total += Math.Max(1, current) * 1000; current = 0; any = true; }
            else if (word == "million") { total += Math.Max(1, current) * 1_000_000; current = 0; any = true; }
            else return null;
        }
        return any ? total + current : null;
    }

    private const string NumberPattern =
        @"(?<![\d.,])(?<n>\d{1,3}(?:[,\u2009 ]\d{3}){1,3}|\d+|(?:(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million)(?:[- ]|\s+and\s+)?){1,8})";

    [GeneratedRegex(@"(?<![\d.,])(?<a>\d{1,3}(?:,\d{3})?|\d+)\s+(?:women|men|females|males|girls|boys)\s+and\s+(?<b>\d{1,3}(?:,\d{3})?|\d+)\s+(?:women|men|females|males|girls|boys)\b", RegexOptions.IgnoreCase)]
    private static partial Regex MenAndWomen();

    [GeneratedRegex(@"(?:\bn\s*=\s*)?" + NumberPattern + @"[ \t\u00a0]+(?:(?!(?:of|with|and|or|in|at|from|per|who|were|was|had|have|the|a|an|to|for|on|by|than|these|all)\b)[a-z][\w-]*[ \t\u00a0]+){0,2}(?:patients|subjects|participants|individuals|cases|volunteers|people|persons|children|adolescents|adults|women|men)\b", RegexOptions.IgnoreCase)]
    private static partial Regex SubjectNouns();

    [GeneratedRegex(@"(?:\bn\s*=\s*)?" + NumberPattern + @"[ \t\u00a0]+(?:(?!(?:of|per|from|with|who|whom|in|at|on|for|to|the|using|patients|participants|subjects|cases|people|individuals|persons|iterations|epochs|steps|times)\b)[A-Za-z][\w-]*[ \t\u00a0]+){0,4}(?:images|radiographs|scans|slices|MRIs|MR images|CT scans|X-rays|X-ray images|volumes|examinations|exams|studies|films|sonograms|radiographic images|series|frames)\b(?![ \t]+per[ \t]+second)", RegexOptions.IgnoreCase)]
    private static partial Regex ImageNouns();

    // "One radiograph per patient": as many images as subjects; the evidence is the subjects' count, which holds the number.
    private static ExtractedField OnePerSubject(string text, ExtractedField subjects, ExtractedField images)
    {
        if (images.Values.Count > 0 || subjects.Values.Count == 0 || OnePer().Match(text) is not { Success: true } one) return images;
        var s = subjects.Values[0];
        return images with { Values = [s with { Evidence = $"{one.Value.Trim()}: {s.Evidence}" }] };
    }

    [GeneratedRegex(@"\b(?:one|a single)\s+(?:[\w-]+\s+){0,3}(?:image|radiograph|scan|examination|exam|MRI|CT|volume|study)\s+(?:(?:was|were)\s+(?:used|included|acquired|obtained|analy[sz]ed|produced|selected|taken)\s+)?(?:per|for each|from each|of each)\s+(?:patient|subject|participant|individual|case|child|person)\b", RegexOptions.IgnoreCase)]
    private static partial Regex OnePer();

    // Data from several sites is multi-centre, whatever one of them is called ("our hospital" and "a second centre"); a named
    // public dataset is a public dataset.
    private static ExtractedField Origin(string text, ExtractedField names)
    {
        var found = Many("datasetOrigin", text, Origins).Values.ToList();
        if (found.Any(v => v.Value == "MultiCentre")) found.RemoveAll(v => v.Value == "SingleCentre");
        if (names.Values.Count > 0 && found.All(v => v.Value != "PublicDataset")) found.Add(names.Values[0] with { Value = "PublicDataset" });
        return new ExtractedField("datasetOrigin", found, Version);
    }

    // Split: the proportions written ("70/15/15", "8:1:1", "80% ... 20%", "training (n = 1,200), validation (n = 150) and test
    // (n = 150)"), as train/validation/test shares of the whole ("0.70/0.15/0.15"); the words stay as its evidence.
    private static ExtractedField Split(string text)
    {
        foreach (var pattern in (Regex[])[SplitCounts(), SplitRespectively(), SplitPattern(), SplitShares(), SplitWords()])
        {
            foreach (Match m in pattern.Matches(text))
            {
                var numbers = SplitNumber().Matches(m.Value).Select(n => ParseNumber(n.Value.Replace("%", "", StringComparison.Ordinal)) ?? 0).ToList();
                if (pattern == SplitWords()) numbers = [.. SplitGroups.Where(g => m.Groups[g].Success).Select(g => ParseNumber(m.Groups[g].Value) ?? 0)];
                // "80/20 train/validation" names no test set: the second share is still held out from training.
                if (Proportions(numbers) is { } value) return new ExtractedField("split", [Value(value, text, m)], Version);
            }
        }
        if (SplitFractions().Match(text) is { Success: true } f && Fraction(f.Groups["train"].Value) is double train && Fraction(f.Groups["test"].Value) is double test
            && Math.Abs(train + test - 1) < 0.01)
            return new ExtractedField("split", [Value(string.Create(CultureInfo.InvariantCulture, $"{train:0.00}/0.00/{test:0.00}"), text, f)], Version);
        return new ExtractedField("split", [], Version);
    }

    private static readonly string[] SplitGroups = ["a", "b", "c"];

    private static double? Fraction(string words) => words.ToLowerInvariant().Replace('-', ' ') switch
    {
        "half" or "one half" => 0.5, "third" or "one third" => 1.0 / 3, "two thirds" => 2.0 / 3, "quarter" or "one quarter" => 0.25,
        "three quarters" => 0.75, "fifth" or "one fifth" => 0.2, "four fifths" => 0.8, _ => null,
    };

    // "Three quarters of the children were used for training and the remaining quarter for testing."
    [GeneratedRegex(@"\b(?<train>half|two[- ]thirds|three[- ]quarters|four[- ]fifths)\s+of\s+(?:the\s+)?[\w-]+[^.;]{0,40}?\btrain\w*[^.;]{0,30}?\b(?:remaining|other|last)\s+(?<test>(?:one[- ])?(?:half|third|quarter|fifth))\b[^.;]{0,30}?\b(?:test\w*|evaluat\w*|held[- ]out)", RegexOptions.IgnoreCase)]
    private static partial Regex SplitFractions();

    // "The training, validation and test sets comprised 60%, 20% and 20% of the patients, respectively."
    [GeneratedRegex(@"\btrain\w*(?:,\s*|\s+and\s+)(?:validation\w*,?\s+and\s+)?test\w*\s+(?:sets?|cohorts?|data|groups?|subsets?)?\s*(?:comprised|contained|included|consisted of|were|was|made up|accounted for|held)\s+(?:\d{1,2}(?:\.\d)?\s*%,?\s+){1,2}and\s+\d{1,2}(?:\.\d)?\s*%", RegexOptions.IgnoreCase)]
    private static partial Regex SplitRespectively();

    // "Of the 1,600 patients, 1,120 were used to train the networks, 160 to tune hyperparameters, and the remaining 320 ... for the final test."
    [GeneratedRegex(@"(?<![\d.,])(?<a>\d{1,3}(?:,\d{3})+|\d+)(?![\d.%])[^.;\d]{0,40}?\btrain\w*[^.;\d]{0,40}?(?:(?<![\d.,])(?<b>\d{1,3}(?:,\d{3})+|\d+)(?![\d.%])[^.;\d]{0,30}?\b(?:tun\w*|validat\w*)\b[^.;\d]{0,60}?)?(?<![\d.,])(?<c>\d{1,3}(?:,\d{3})+|\d+)(?![\d.%])[^.;\d]{0,80}?\btest\w*", RegexOptions.IgnoreCase)]
    private static partial Regex SplitWords();

    /// <summary>Two or three parts (train, [validation,] test), as counts or shares, written as shares of their sum: "0.70/0.15/0.15"; null when they cannot be a split.</summary>
    public static string? Proportions(IReadOnlyList<long> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count is < 2 or > 3 || parts.Any(p => p <= 0)) return null;
        var (train, validation, test) = parts.Count == 3 ? (parts[0], parts[1], parts[2]) : (parts[0], 0L, parts[1]);
        double sum = train + validation + test;
        // The training share is the largest: "20/80" is not a split as written (it is more likely a ratio of something else).
        if (train < test || train < validation) return null;
        return string.Create(CultureInfo.InvariantCulture, $"{train / sum:0.00}/{validation / sum:0.00}/{test / sum:0.00}");
    }

    [GeneratedRegex(@"\d{1,3}(?:,\d{3})+|\d+")]
    private static partial Regex SplitNumber();

    [GeneratedRegex(@"\btrain\w*(?:\s+(?:set|cohort|data))?\s*\(\s*n\s*=\s*\d[\d,]*\s*\)[^.;]{0,60}?(?:\bvalid\w*(?:\s+(?:set|cohort|data))?\s*\(\s*n\s*=\s*\d[\d,]*\s*\)[^.;]{0,60}?)?\btest\w*(?:\s+(?:set|cohort|data))?\s*\(\s*n\s*=\s*\d[\d,]*\s*\)", RegexOptions.IgnoreCase)]
    private static partial Regex SplitCounts();

    [GeneratedRegex(@"\b\d{1,2}\s*%\s*(?:of (?:the )?\w+ )?(?:\w+\s+){0,3}(?:for|as|to|in) (?:the )?(?:train|develop)\w*[^.;]{0,80}?\b\d{1,2}\s*%\s*(?:\w+\s+){0,4}(?:(?:for|as|to|in)\s+)?(?:the )?(?:test|hold|held|evaluat)\w*", RegexOptions.IgnoreCase)]
    private static partial Regex SplitShares();

    [GeneratedRegex(@"\btrain\w*\s*\(\s*\d{1,2}\s*%\s*\)[^.;]{0,60}?test\w*\s*\(\s*\d{1,2}\s*%\s*\)|\b\d{1,2}\s*%\s*(?:of (?:the )?\w+ )?(?:for|as) (?:the )?train\w*[^.;]{0,60}?\d{1,2}\s*%\s*(?:of (?:the )?\w+ )?(?:for|as) (?:the )?test\w*|\b\d{1,2}(?:\s*%)?\s*[:/]\s*\d{1,2}(?:\s*%)?(?:\s*[:/]\s*\d{1,2}(?:\s*%)?)?\s*(?:split|ratio|for training|training|train)|(?:split|divided|partitioned|allocated)\s+(?:\w+\s+){0,6}(?:in(?:to)?|at|with)?\s*(?:a\s+)?(?:ratio of\s+)?\d{1,2}\s*(?:%|:|/)\s*\d{1,2}(?:\s*(?:%|:|/)\s*\d{1,2})?%?", RegexOptions.IgnoreCase)]
    private static partial Regex SplitPattern();

    [GeneratedRegex(@"\b(?:\d+|five|ten|three|four)[- ]fold\b|\bcross[- ]validat\w*|\bleave[- ]one[- ](?:out|patient[- ]out|subject[- ]out)\b|\bk-fold\b|\b(?:partitioned|divided|split) into (?:\w+) (?:[\w-]+,?\s+){0,3}(?:parts|folds|subsets|groups)\b[^.]{0,80}?\beach\b[^.]{0,40}?\bonce\b", RegexOptions.IgnoreCase)]
    private static partial Regex CrossValidation();

    // External validation: a test on data from elsewhere. "Validation set", "internal validation" and cross-validation are
    // not; a sentence that denies it or asks for it in future work is not.
    private static ExtractedField ExternalValidation(string text) =>
        Flag("externalValidation", text, ExternalYes(), ExternalDenied(), (sentence, match) => !SameSource().IsMatch(sentence)
            // "Another hospital" alone is only a place; it is external validation when the sentence tests something there.
            && (match.Contains("extern", StringComparison.OrdinalIgnoreCase) || match.Contains("independent", StringComparison.OrdinalIgnoreCase) || TestContext().IsMatch(sentence)),
            ExternalDeferred());

    [GeneratedRegex(@"\b(?:warrant\w*|needed|required|future|pending|next step|yet to|remains? to be|is needed|are needed|will be needed|should be)\b", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalDeferred();

    [GeneratedRegex(@"\b(?:from|at|of|in) the same (?:hospital|institution|centre|center|site|cohort|dataset|data ?set|population|registry|database|source|programme|program)s?\b", RegexOptions.IgnoreCase)]
    private static partial Regex SameSource();

    [GeneratedRegex(@"\b(?:test\w*|validat\w*|evaluat\w*|assess\w*|appl(?:y|ied)|generali[sz]\w*|perform\w*)\b", RegexOptions.IgnoreCase)]
    private static partial Regex TestContext();

    [GeneratedRegex(@"\bexternal(?:ly)?[- ](?:validat\w*|test\w*|cohort|dataset|data ?set|evaluation|evaluated)|\bindependent (?:external |test )?(?:cohort|dataset|data ?set|test set|hospital|institution|centre|center)s?\b|\b(?:another|a second|a different|two other|other) (?:hospital|institution|centre|center|site)s?\b(?! and)|\btested on (?:the )?(?:public|publicly available) \w+|\bgenerali[sz]\w* to (?:an? )?(?:external|independent|unseen)|\b(?:geographically|temporally and geographically) (?:distinct|separate|independent)\b|\bfrom (?:an? |two |three )?(?:affiliated|partner|outside|unaffiliated|further|additional) (?:hospital|institution|centre|center|site)s?\b|\b(?:another|a different|a second) country\b|\bdata from a different (?:population|hospital|institution|centre|center|vendor|country)\b", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalYes();

    [GeneratedRegex(@"\b(?:no|without|lack\w*|absence of|not|never|future|needs?|needed|require[sd]?|warrant\w*|should|will need|limited by|limitation|pending|yet to)\b", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalDenied();

    // Code: shared when a repository URL is given or the text says the code or model is available; "on request" is not.
    private static ExtractedField Code(string text, out ExtractedField url)
    {
        // A link to shared data (images, annotations) is not shared code.
        var link = CodeUrl().Matches(text).FirstOrDefault(l =>
        {
            var sentence = Sentence(text, l.Index, out _);
            return !(DataWords().IsMatch(sentence) && !CodeWords().IsMatch(sentence.Replace(l.Value, "", StringComparison.Ordinal)) && !l.Value.Contains("github", StringComparison.OrdinalIgnoreCase) && !l.Value.Contains("gitlab", StringComparison.OrdinalIgnoreCase));
        }) ?? Match.Empty;
        url = new ExtractedField("codeUrl", link.Success ? [Value(link.Value.TrimEnd('.', ')', ','), text, link)] : [], Version);
        if (link.Success) return new ExtractedField("codeAvailable", [Value("true", text, link)], Version);
        return Flag("codeAvailable", text, CodeShared(), CodeOnRequest());
    }

    [GeneratedRegex(@"https?://(?:www\.)?(?:github\.com|gitlab\.com|zenodo\.org|osf\.io|huggingface\.co|bitbucket\.org)/[^\s,;)]+|(?<![\w/])(?:github\.com|gitlab\.com|zenodo\.org|osf\.io)/[^\s,;)]+|\bdoi\.org/10\.5281/zenodo\.\d+", RegexOptions.IgnoreCase)]
    private static partial Regex CodeUrl();

    [GeneratedRegex(@"\b(?:data ?sets?|data|images|annotations|labels|scans)\b", RegexOptions.IgnoreCase)]
    private static partial Regex DataWords();

    [GeneratedRegex(@"\b(?:code|software|implementation|model|models|weights|scripts?|toolbox|package)\b", RegexOptions.IgnoreCase)]
    private static partial Regex CodeWords();

    [GeneratedRegex(@"\b(?:code|source code|implementation|model weights|trained models?|weights|software)\b[^.]{0,60}\b(?:publicly available|available online|openly available|made available|released|open[- ]source|is available|are available)\b|\bopen[- ]source(?:d)? (?:code|implementation|software|model)", RegexOptions.IgnoreCase)]
    private static partial Regex CodeShared();

    [GeneratedRegex(@"\b(?:upon|on) (?:reasonable )?request\b|\bnot (?:be )?(?:publicly |openly )?(?:available|released|shared|made available)\b|\bfrom the corresponding author\b|\bwill be (?:released|made available)\b", RegexOptions.IgnoreCase)]
    private static partial Regex CodeOnRequest();

    // Country of the majority of affiliations (the first author's on a tie).
    private static ExtractedField Country(IReadOnlyList<string> affiliations)
    {
        var votes = new List<(string Country, string Evidence, int Order)>();
        for (var i = 0; i < affiliations.Count; i++)
        {
            var a = affiliations[i];
            foreach (var (country, pattern) in Countries)
                if (pattern.Match(a) is { Success: true } m) { votes.Add((country, a, i)); break; }
        }
        var winner = votes.GroupBy(v => v.Country).OrderByDescending(g => g.Count()).ThenBy(g => g.Min(v => v.Order)).FirstOrDefault();
        if (winner is null) return new ExtractedField("country", [], Version);
        var first = winner.OrderBy(v => v.Order).First();
        return new ExtractedField("country", [new ExtractedValue(winner.Key, first.Evidence.Length > 160 ? first.Evidence[..160] + "…" : first.Evidence, 0, 0)], Version);
    }

    // Industry: an author affiliated with a company.
    private static ExtractedField Industry(IReadOnlyList<string> affiliations)
    {
        foreach (var a in affiliations)
            if (Company().Match(a) is { Success: true } m && !Academic().IsMatch(a[..m.Index]))
                return new ExtractedField("industry", [new ExtractedValue("true", a.Length > 160 ? a[..160] + "…" : a, m.Index, m.Length)], Version);
        return new ExtractedField("industry", [new ExtractedValue("false", "", 0, 0)], Version);
    }

    // Expertise of the author team: health departments, data-science departments, or both.
    private static ExtractedField Expertise(IReadOnlyList<string> affiliations)
    {
        var health = affiliations.Select(a => HealthDepartment().Match(a)).FirstOrDefault(m => m.Success);
        var data = affiliations.Select(a => DataDepartment().Match(a)).FirstOrDefault(m => m.Success);
        var value = (health, data) switch
        {
            ({ } h, { } d) => new ExtractedValue("Both", $"{h.Value}; {d.Value}", 0, 0),
            ({ } h, null) => new ExtractedValue("Health", h.Value, 0, 0),
            (null, { } d) => new ExtractedValue("DataScience", d.Value, 0, 0),
            _ => null,
        };
        return new ExtractedField("expertise", value is null ? [] : [value], Version);
    }

    [GeneratedRegex(@"\b(?:Radiology|Radiological|Orthopa?edic\w*|Neurosurgery|Neurological Surgery|Spine (?:Center|Centre|Surgery|Unit)|Medicine|Medical|Hospital|Clinic|Surgery|Rheumatology|Oncology|Imaging|Physiatry|Rehabilitation|Nursing)\b", RegexOptions.IgnoreCase)]
    private static partial Regex HealthDepartment();

    [GeneratedRegex(@"\b(?:Computer Science|Computing|Informatics|Electrical|Engineering|Data Science|Artificial Intelligence|Machine Learning|Mathematics|Statistics|Information (?:Science|Technology)|Software|Automation|Robotics)\b", RegexOptions.IgnoreCase)]
    private static partial Regex DataDepartment();

    private static readonly (string Value, Regex Pattern)[] StudyTypes =
    [
        ("Clinical", R(@"\bpatients?\b|\bclinical\b")),
        ("Basic", R(@"\bphantoms?\b|\bcadaver\w*|\bin vitro\b|\bsimulat\w*")),
        ("Epidemiological", R(@"\bpopulation[- ]based\b|\bepidemiolog\w*|\bprevalence\b|\bincidence\b|\bbirth cohort\b")),
        ("Interventional", R(@"\brandomi[sz]ed\b|\binterventional\b|\btrial\b")),
        ("Observational", R(@"\bretrospective\w*|\bprospective\w*|\bobservational\b|\bcohort\b")),
    ];

    private static readonly (string Value, Regex Pattern)[] Designs =
    [
        ("Retrospective", R(@"\bretrospective\w*")),
        ("Prospective", R(@"\bprospective\w*")),
        ("Cohort", R(@"\bcohorts?\b")),
        ("CaseControl", R(@"\bcase[- ]control\b")),
        ("CrossSectional", R(@"\bcross[- ]sectional\b")),
        ("CaseSeries", R(@"\bcase series\b")),
    ];

    private static readonly (string Value, Regex Pattern)[] Surgeries =
    [
        ("pedicle screw fixation", R(@"\bpedicle screws?\b")),
        ("spinal fusion", R(@"\b(?:spinal|lumbar|cervical|interbody|posterior|anterior) (?:\w+ )?fusion\b|\bACDF\b|\barthrodesis\b")),
        ("discectomy", R(@"\b(?:micro)?discectomy\b")),
        ("decompression", R(@"\blaminectomy\b|\blaminoplasty\b|\bdecompressi\w+ surgery\b")),
        ("vertebroplasty or kyphoplasty", R(@"\bvertebroplasty\b|\bkyphoplasty\b")),
        ("disc arthroplasty", R(@"\bdis[ck] (?:arthroplasty|replacement)\b")),
        ("scoliosis correction", R(@"\bcorrective surgery\b|\bdeformity correction\b|\bscoliosis surgery\b")),
    ];

    [GeneratedRegex(@"\b(?:Inc|Ltd|LLC|GmbH|Corp|Corporation|AG|Pty)\b\.?|\b(?:Co\., Ltd|S\.A\.|B\.V\.|K\.K\.)|\b(?:Siemens Healthineers|Siemens Healthcare|GE Healthcare|Philips|Canon Medical|Fujifilm|Google|Microsoft|NVIDIA|IBM|Tencent|Alibaba|Baidu|Infervision|United Imaging|Medtronic|Stryker|Globus Medical|NuVasive|DePuy|Zimmer|Samsung(?! Medical| Hospital| Changwon| Seoul)|Lunit|VUNO|Aidoc|Deepwise|Shukun|Huawei)\b")]
    private static partial Regex Company();

    [GeneratedRegex(@"\b(?:University|Universit|College|Hospital|Institute of Technology|School of Medicine)\b[^,;]*$", RegexOptions.IgnoreCase)]
    private static partial Regex Academic();

    // Checked in this order, first match wins: places whose names contain another country's come first
    // ("New South Wales, Australia", "London, Ontario, Canada", "Taiwan, Republic of China").
    private static readonly (string Country, Regex Pattern)[] Countries =
    [
        ("Australia", new(@"\b(?:Australia|New South Wales|Sydney|Melbourne)\b", RegexOptions.Compiled)),
        ("Canada", new(@"\b(?:Canada|Ontario|Quebec|Québec|Toronto|Montreal|Montréal|Vancouver)\b", RegexOptions.Compiled)),
        ("Taiwan", new(@"\b(?:Taiwan|Taipei|Kaohsiung|Taichung)\b", RegexOptions.Compiled)),
        ("Hong Kong", new(@"\bHong Kong\b", RegexOptions.Compiled)),
        ("United States", new(@"\b(?:USA|U\.S\.A\.|United States|[A-Z]{2} \d{5}\b|Boston|New York|California|Texas|Minnesota|Rochester, MN|Baltimore|Chicago|Philadelphia|Seattle|Stanford|Pittsburgh)\b", RegexOptions.Compiled)),
        ("China", new(@"\b(?:China|P\.? ?R\.? China|Beijing|Shanghai|Guangzhou|Shenzhen|Wuhan|Hangzhou|Chengdu|Nanjing)\b", RegexOptions.Compiled)),
        ("United Kingdom", new(@"\b(?:UK|U\.K\.|United Kingdom|England|Scotland|Wales|London|Oxford|Cambridge CB)\b", RegexOptions.Compiled)),
        ("Germany", new(@"\b(?:Germany|Deutschland|Munich|München|Berlin|Heidelberg|Hamburg)\b", RegexOptions.Compiled)),
        ("South Korea", new(@"\b(?:Korea|Seoul)\b", RegexOptions.Compiled)),
        ("Japan", new(@"\b(?:Japan|Tokyo|Osaka|Kyoto)\b", RegexOptions.Compiled)),
        ("France", new(@"\b(?:France|Paris|Lyon)\b", RegexOptions.Compiled)),
        ("Switzerland", new(@"\b(?:Switzerland|Zurich|Zürich|Basel|Bern|Geneva)\b", RegexOptions.Compiled)),
        ("Netherlands", new(@"\b(?:Netherlands|Amsterdam|Rotterdam|Utrecht|Nijmegen)\b", RegexOptions.Compiled)),
        ("Italy", new(@"\b(?:Italy|Milan|Milano|Rome|Roma)\b", RegexOptions.Compiled)),
        ("Spain", new(@"\b(?:Spain|Madrid|Barcelona)\b", RegexOptions.Compiled)),
        ("India", new(@"\b(?:India|Delhi|Mumbai|Bangalore|Bengaluru)\b", RegexOptions.Compiled)),
        ("Singapore", new(@"\bSingapore\b", RegexOptions.Compiled)),
        ("Israel", new(@"\b(?:Israel|Tel Aviv)\b", RegexOptions.Compiled)),
        ("Iran", new(@"\b(?:Iran|Tehran)\b", RegexOptions.Compiled)),
        ("Turkey", new(@"\b(?:Turkey|Türkiye|Istanbul|Ankara)\b", RegexOptions.Compiled)),
        ("Brazil", new(@"\b(?:Brazil|Brasil|São Paulo)\b", RegexOptions.Compiled)),
        ("Sweden", new(@"\b(?:Sweden|Stockholm)\b", RegexOptions.Compiled)),
        ("Denmark", new(@"\b(?:Denmark|Copenhagen)\b", RegexOptions.Compiled)),
        ("Austria", new(@"\b(?:Austria|Vienna|Wien)\b", RegexOptions.Compiled)),
        ("Belgium", new(@"\b(?:Belgium|Brussels|Leuven)\b", RegexOptions.Compiled)),
        ("Saudi Arabia", new(@"\b(?:Saudi Arabia|Riyadh)\b", RegexOptions.Compiled)),
        ("Egypt", new(@"\b(?:Egypt|Cairo)\b", RegexOptions.Compiled)),
        ("Pakistan", new(@"\bPakistan\b", RegexOptions.Compiled)),
        ("Greece", new(@"\bGreece\b", RegexOptions.Compiled)),
        ("Poland", new(@"\bPoland\b", RegexOptions.Compiled)),
        ("Finland", new(@"\bFinland\b", RegexOptions.Compiled)),
        ("Norway", new(@"\bNorway\b", RegexOptions.Compiled)),
        ("Thailand", new(@"\bThailand\b", RegexOptions.Compiled)),
        ("Vietnam", new(@"\b(?:Vietnam|Viet Nam)\b", RegexOptions.Compiled)),
        ("Mexico", new(@"\bMexico\b", RegexOptions.Compiled)),
    ];

    private static Regex R(string pattern) => new(pattern, RegexOptions.IgnoreCase | RegexOptions.Compiled);

    private static readonly (string Value, Regex Pattern)[] Sequences =
    [
        ("T1", R(@"\bT1[- ]?(?:weighted|w\b|WI\b)|\bT1\s*(?:-|and|or|/)\s*T2\b|\bT1\s+(?:images|sequences?|scans|MRI|MR)\b")),
        ("T2", R(@"\bT2[- ]?(?:weighted|w\b|WI\b)|\bT1\s*(?:-|and|or|/)\s*T2\b|\bT2\s+(?:images|sequences?|scans|MRI|MR)\b")),
        ("STIR", R(@"\bSTIR\b|short[- ]tau inversion")),
        ("Dixon", R(@"\bDixon\b")),
        ("DWI", R(@"\bdiffusion[- ]weighted|\bDWI\b|\bDTI\b|diffusion tensor")),
        ("PD", R(@"\bproton[- ]density\b")),
        ("Contrast", R(@"\bgadolinium|\bcontrast[- ]enhanced MR")),
    ];

    private static readonly (string Value, Regex Pattern)[] Conditions =
    [
        ("Fracture", R(@"\bfractur\w*|\b(?:thoracolumbar|vertebral|spine|spinal column) (?:injur\w*|trauma)\b")),
        ("Neoplasm", R(@"\btumou?rs?\b|\bmetasta\w*|\bneoplas\w*|\bcancer\b|\bmyeloma\b|\bchordoma\b|\blymphoma\b|\bmalignan\w*|\bosteolytic\b")),
        ("Osteoporosis", R(@"\bosteopor\w*|\bosteopeni\w*|\bbone mineral density\b|\bBMD\b")),
        ("Deformity", R(@"\bscolio\w*|\bkyphos\w*|\bkyphotic\b|\blordos\w*|\bCobb\b|\bdeformit\w*|\b(?:sagittal|spinal|coronal) (?:alignment|balance)\b|\bspinopelvic\b|\bpelvic incidence\b")),
        ("Degenerative", R(@"\bdegenerat\w*|\bstenosis\b|\bherniat\w*|\bspondylosis\b|\bModic\b|\bPfirrmann\b|\bosteoarthritis\b|\bfacet (?:joint )?arthro\w*|\bspondylolisthesis\b|\bdisc (?:bulg\w*|protrusion|extrusion)|\bankylosing\b|\binflammat\w*|\bspondyloarthritis\b|\bsacroiliitis\b|\blow back pain\b|\bradiculopathy\b|\bossification of the posterior longitudinal ligament\b|\bOPLL\b|\bDISH\b|\bdiffuse idiopathic skeletal hyperostosis\b|\b(?:degenerative cervical|spondylotic) myelopathy\b")),
        ("SpinalCord", R(@"\bspinal cord\b|(?<!degenerative cervical |spondylotic )\bmyelopathy\b|\bcord compression\b|\bmyelitis\b|\bsyrin\w*")),
        ("Surgical", R(@"\bdiscectomy\b|\bACDF\b|\barthrodesis\b|\bnon-?union\b|\bpseudarthrosis\b|\bfusion (?:surgery|rate|status)|\b(?:spinal|interbody|cervical|lumbar) fusion\b|\bpedicle screws?\b|\bsurgical planning\b|\binstrumentation\b|\bspinal fusion\b|\bimplants?\b|\bintra-?operative\b|\bscrew placement\b|\bnavigation\b|\bpostoperative\b|\bsurgical outcome|\b(?:after|following) (?:[\w-]+ ){0,3}(?:surgery|fusion|decompression|discectomy|laminectomy|instrumentation)\b")),
    ];

    private static readonly (string Value, Regex Pattern)[] Applications =
    [
        ("Diagnostic", R(@"\bdiagnos\w*|\bdetect\w*|\bscreening\b|\bclassif\w* (?:of )?(?:fracture|tumou?r|disease|lesion|stenosis|degeneration)")),
        ("DecisionSupport", R(@"\bdecision[- ]support\b|\btreatment (?:planning|decision|recommendation)|\bsurgical planning\b|\btriag\w*|\bclinical decision")),
        ("Assessment", R(@"\bmeasur(?:e|es|ed|ing|ement|ements) (?:of )?(?:the )?(?:\w+ )?(?:angles?|Cobb|lordosis|kyphosis|height|density|parameters?|alignment|size|volume|area)|\bautomat\w* measurement|\bquantif\w*|\bautomat\w* (?:assessment|grading|evaluation)|\bCobb angle\b|\bscrew placement\b|\bassess\w* (?:of )?(?:the )?(?:alignment|placement|position)|\bbone age\b|\bgrading\b")),
        ("OutcomePrediction", R(@"\bpredict\w* (?:of )?(?:the )?(?:outcome|prognosis|survival|progression|mortality|complication|recurrence|response|curve progression)|\bprognos\w*|\bpostoperative (?:outcome|complication)")),
    ];

    private static readonly (string Value, Regex Pattern)[] Tasks =
    [
        ("Classification", R(@"\bclassif\w*|\bgrad(?:e|es|ed|ing)\b|\bdistinguish\w*|\bdifferentiat\w*|\bdiscriminat\w*|\bbinary (?:classif\w*|outcome|task|decision)|\bdiagnostic accuracy\b|\bdiagnos(?:e|es|ed|ing|is)\b|\bidentif(?:y|ies|ied|ying|ication) (?:of )?(?:fresh|acute|benign|malignant|fractur|the presence)|\brecogni[sz](?:e|es|ed|ing)\b|\btell(?:s|ing)? \w+ from\b|\bbenign from malignant\b|\bpresence or absence\b|\bpredict\w* whether\b")),
        ("Regression", R(@"\bregress\w*|\bestimat\w* (?:of )?(?:the )?(?:age|angle|bone|density|BMD|Cobb|height|score)|\bpredict(?:s|ed|ing)? (?:the )?(?:continuous|values?|bone mineral density|BMD|angle|time to)|\bmean absolute errors?\b|\bMAE\b")),
        ("Segmentation", R(@"\bsegment(?:ation|ations|ed|ing)\b|\bto segment\b|\b(?:binary |label )?masks? of\b|\bbinary masks?\b|\bsegments (?:the|each|all)\b|\bdelineat\w*|\boutlin(?:e|ed|es|ing) the\b|\bcontours?\b")),
        ("Detection", R(@"\bdetect\w*\s+(?:and label\w*\s+)?(?:the\s+)?(?:[\w-]+\s+){0,2}(?:vertebrae|vertebral bodies|vertebra|discs?|disks?|centre?line|cent(?:er|re)line|screws?|levels|pedicles?|endplates?|landmarks?|key ?points?)\b|\b(?:disc|disk|vertebra\w*|screw|pedicle|level) detection\b|\blocali[sz]\w*|\blocat(?:e|es|ed|ing)\s+(?:the|each|all|and|them|fresh|vertebra\w*|lesions?|fractures?)\b|\bbounding box\w*|\bobject detection\b|\bdetector\b|\bYOLO\w*|\bFaster R-?CNN\b|\bRetinaNet\b|\bSSD\b|\bregions? of interest (?:are|is|were|was) (?:found|detected|located)")),
        ("Landmark", R(@"\blandmarks?\b|\bkey ?points?\b|\bcorners?\b|\bcentroids?\b|\b(?:predict|locat|detect|regress)\w* (?:the )?(?:positions?|coordinates|locations?) of\b|\bendplates? (?:detection|localization)|\bvertebral labell?ing\b|\bidentif\w* (?:and label\w* )?(?:of )?(?:the )?vertebrae")),
        ("Generation", R(@"\bsynthe[st]i[sz]\w*|\bgenerat\w* (?:synthetic|images?|CT|MRI)|\bimage[- ]to[- ]image\b|\bimage translation\b|\bsuper[- ]resolution\b|\bdenois\w*|\breconstruct\w* (?:of )?(?:images?|CT|MRI)|\bGAN\b|\bCycleGAN\b|\bpix2pix\b")),
    ];

    private static readonly (string Value, Regex Pattern)[] Methods =
    [
        ("CNN", R(@"\bconvolutional\b|\bCNNs?\b|\bU-?Net\b|\bResNe[tX]|\bVGG|\bDenseNet|\bInception|\bYOLO|\bR-?CNN\b|\bEfficientNet|\bAlexNet|\bMobileNet|\bSegNet|\bDeepLab|\bnnU-?Net")),
        ("LSTM", R(@"\bLSTM\b|\blong short-term memory\b")),
        ("RNN", R(@"\brecurrent neural\b|\bRNNs?\b|\bGRU\b")),
        ("GAN", R(@"\bGANs?\b|\bgenerative adversarial\b|\bCycleGAN\b|\bpix2pix\b")),
        ("MLP", R(@"\bmulti-?layer perceptron\b|\bMLP\b|\bfully connected (?:neural )?network\b|\bartificial neural network\b|\bANN\b")),
        ("Transformer", R(@"\btransformers?\b|\bViT\b|\bSwin\b|\bself-attention\b")),
        ("DBN", R(@"\bdeep belief\b|\bDBN\b")),
        ("RBM", R(@"\brestricted Boltzmann\b|\bRBM\b")),
        ("SOM", R(@"\bself-organi[sz]ing map\b|\bSOM\b")),
        ("RBFN", R(@"\bradial basis function\b|\bRBFN?\b")),
    ];

    private static readonly (string Value, Regex Pattern)[] Families =
    [
        ("U-Net", R(@"\b(?:nn|3D |2D |Attention |Res|Dense|V-)?U-?Net(?:\+\+|3\+)?\b|\bV-Net\b")),
        ("ResNet", R(@"\bResNe[tX]s?(?:[- ]?\d+)?\b|\bresidual (?:neural )?networks?\b|\bSE-?ResNe")),
        ("VGG", R(@"\bVGG(?:[- ]?(?:Net|\d+))?\b")),
        ("DenseNet", R(@"\bDenseNet(?:[- ]?\d+)?\b")),
        ("Inception", new(@"\bInception(?:[- ]?(?:v\d|V\d|ResNet))?\b(?! of)|\bGoogLeNet\b|\bXception\b", RegexOptions.Compiled)),
        ("YOLO", R(@"\bYOLO(?:v\d+|X)?\b")),
        ("Faster R-CNN", R(@"\bFaster[- ]R-?CNN\b")),
        ("Mask R-CNN", R(@"\bMask[- ]R-?CNN\b")),
        ("AlexNet", R(@"\bAlexNet\b")),
        ("Transformer", R(@"\b(?:vision )?transformers?\b|\bViT\b|\bSwin\b|\bTransUNet\b|\bDETR\b")),
        ("LSTM", R(@"\bLSTM\b|\blong short-term memory\b")),
        ("GAN", R(@"\bGANs?\b|\bgenerative adversarial\b|\bCycleGAN\b|\bpix2pix\b")),
        ("MLP", R(@"\bmulti-?layer perceptron\b|\bMLP\b")),
    ];

    [GeneratedRegex(@"\bconvolutional (?:neural )?networks?\b|\bconvolutional (?:encoder|backbone|model|architecture)s?\b|\bCNNs?\b|\bdeep convolutional\b", RegexOptions.IgnoreCase)]
    private static partial Regex OtherCnn();

    [GeneratedRegex(@"\b(?:custom|bespoke|in-house|novel|proposed|self-designed|own)\s+(?:[\w-]+\s+){0,2}(?:convolutional|CNN)\w*|\bEfficientNet\w*|\bMobileNet\w*|\bSegNet\b|\bDeepLab\w*|\bHRNet\b|\bRetinaNet\b|\bFCN\b|\bfully convolutional network\b|\bSSD\b|\bShuffleNet\b|\bSqueezeNet\b|\bLeNet\b", RegexOptions.IgnoreCase)]
    private static partial Regex NamedOtherCnn();

    private static readonly (string Value, Regex Pattern)[] Origins =
    [
        ("MultiCentre", R(@"\bmulti-?(?:centre|center|institution\w*|site|hospital)\b|\b(?:two|three|four|five|six|seven|eight|nine|ten|several|multiple|\d+) (?:[\w-]+ ){0,2}(?:hospitals|centres|centers|institutions|sites|clinics)\b|\b(?:at|from) (?:another|a second|a third|a fourth|a different) (?:hospital|centre|center|institution|site)\b")),
        ("SingleCentre", R(@"\bsingle[- ](?:centre|center|institution\w*|site|hospital)\b|\bone (?:hospital|centre|center|institution)\b|\b(?:at|from|of|in) our (?:own )?(?:hospital|institution|centre|center|clinic|department)\b")),
        ("PublicDataset", R(@"\bpublic(?:ly available)? (?:data ?set|database|dataset|challenge)s?\b|\bopen (?:data ?set|database)\b|\b(?:VerSe|SpineWeb|xVertSeg|CSI ?2014|TCIA|PAM50|SPIDER|MICCAI)\b")),
        ("Registry", R(@"\bregistry\b|\bnational database\b")),
        ("Synthetic", R(@"\bsynthetic (?:data|images)\b|\bsimulated (?:data|images)\b")),
    ];

    private static readonly (string Value, Regex Pattern)[] DatasetNames =
    [
        ("VerSe", R(@"\bVerSe(?:\s?'?\d{2})?\b")),
        ("SpineWeb", R(@"\bSpineWeb\b")),
        ("xVertSeg", R(@"\bxVertSeg\b")),
        ("CSI 2014", R(@"\bCSI[ -]?2014\b")),
        ("TCIA", R(@"\bTCIA\b|\bCancer Imaging Archive\b")),
        ("PAM50", R(@"\bPAM50\b")),
        ("SPIDER", R(@"\bSPIDER\b")),
        ("AASCE", R(@"\bAASCE\b")),
        ("MICCAI", R(@"\bMICCAI\b")),
    ];

    private static readonly (string Value, Regex Pattern)[] Metrics =
    [
        ("AUC", R(@"\bAUC\b|\bAUROC\b|\barea under the (?:receiver operating characteristic |ROC )?curve\b|\bC-statistic\b")),
        ("Accuracy", R(@"\baccurac(?:y|ies)\b")),
        ("Sensitivity", R(@"\bsensitivit(?:y|ies)\b(?! analys)")),
        ("Specificity", R(@"\bspecificit(?:y|ies)\b")),
        ("PPV", R(@"\bpositive predictive value\b|\bPPV\b")),
        ("Precision", R(@"(?<!average )\bprecision\b(?! medicine| oncology| health)")),
        ("Recall", R(@"\brecall\b")),
        ("F1", R(@"\bF1(?:[- ]score)?\b|\bF-(?:score|measure)\b")),
        ("Dice", R(@"\bDice\b|\bDSC\b")),
        ("IoU", R(@"\bIoU\b|\bintersection over union\b|\bJaccard\b")),
        ("Hausdorff", R(@"\bHausdorff\b")),
        ("MAE", R(@"\bmean absolute errors?\b|\bMAE\b")),
        ("Kappa", R(@"\bkappa\b|\bκ\b")),
        ("ICC", R(@"\bintra-?class correlation\b|\bICCs?\b")),
    ];
}
