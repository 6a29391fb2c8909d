namespace SpineReview.Reporting;

/// <summary>
/// The 2023 scoping review's figures that every report version is compared against, as its text and tables state them
/// (percentages of included studies unless the denominator says otherwise). A category the paper only draws, without
/// a number in its text, has no entry: the report says "not stated" rather than reading a bar off a figure.
/// </summary>
public static class Baseline2023
{
    public const string Citation = "Constant et al. N Am Spine Soc J 2023;15:100236. doi:10.1016/j.xnsj.2023.100236";
    public const string Doi = "10.1016/j.xnsj.2023.100236";
    public const int RecordsIdentified = 1475;
    public const int StudiesIncluded = 365;
    /// <summary>The last year the paper's searches (15 Oct 2021, repeated 1 Jan 2022) could fully cover.</summary>
    public const int LastYearSearched = 2021;

    /// <summary>Fig. 3: study types, of the 352 studies whose type could be identified.</summary>
    public static IReadOnlyDictionary<string, double> StudyType { get; } = new Dictionary<string, double> { ["Clinical"] = 64 };

    /// <summary>Fig. 4A: clinical applications.</summary>
    public static IReadOnlyDictionary<string, double> Application { get; } = new Dictionary<string, double> { ["Diagnostic"] = 74 };

    /// <summary>Fig. 4B: imaging modalities.</summary>
    public static IReadOnlyDictionary<string, double> Modality { get; } = new Dictionary<string, double> { ["MRI"] = 36 };

    /// <summary>Fig. 5: regions involved (a study may involve several).</summary>
    public static IReadOnlyDictionary<string, double> Region { get; } = new Dictionary<string, double> { ["Lumbar"] = 79 };

    /// <summary>Fig. 5 text: how many regions a study covers.</summary>
    public static IReadOnlyDictionary<string, double> RegionSpan { get; } = new Dictionary<string, double>
    {
        ["One region"] = 47, ["Several regions"] = 35, ["Whole spine"] = 14, ["Not stated"] = 5,
    };

    /// <summary>Fig. 6: conditions (the paper's domains mapped to the form's values).</summary>
    public static IReadOnlyDictionary<string, double> Condition { get; } = new Dictionary<string, double>
    {
        ["Degenerative"] = 26, ["Deformity"] = 22, ["Fracture"] = 14, ["Neoplasm"] = 8, ["Osteoporosis"] = 6,
    };

    /// <summary>Fig. 8 and its text: DL methods and architecture families.</summary>
    public static IReadOnlyDictionary<string, double> DlMethod { get; } = new Dictionary<string, double> { ["CNN"] = 77, ["MLP"] = 21 };
    public static IReadOnlyDictionary<string, double> Architecture { get; } = new Dictionary<string, double> { ["U-Net"] = 21, ["ResNet"] = 16, ["MLP"] = 21 };

    /// <summary>Table 5: metrics usage.</summary>
    public static IReadOnlyDictionary<string, double> Metric { get; } = new Dictionary<string, double>
    {
        ["Sensitivity"] = 49, ["Accuracy"] = 48, ["Specificity"] = 41, ["AUC"] = 36, ["Dice"] = 24,
        ["Precision"] = 14, ["PPV"] = 11, ["IoU"] = 8, ["Hausdorff"] = 4,
    };

    /// <summary>Headline shares: external validation of development studies, code or model shared, split reported, cross-validation.</summary>
    public const double ExternalValidationPercent = 15;
    public const double CodeSharedPercent = 7;
    public const double SplitReportedPercent = 47;
    public const double CrossValidationPercent = 26;
    public const double SubjectsReportedPercent = 33;
    public const double ImagesReportedPercent = 19;
    public const double MeanSubjects = 945;
    public const double MeanImages = 9504;
}
