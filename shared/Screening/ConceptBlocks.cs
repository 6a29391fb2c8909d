using System.Text.RegularExpressions;

namespace SpineReview.Screening;

/// <summary>The protocol's three concept blocks as patterns over title, abstract, MeSH and keywords.</summary>
public static partial class ConceptBlocks
{
    /// <summary>Terms that name deep learning.</summary>
    [GeneratedRegex(@"\bdeep[- ]learning\b|\bdeep (?:neural|convolutional|residual|architecture)|\bneural[- ]networks?\b|\bconvolutional\b|\bCNNs?\b|\bU-?Net\b|\bResNe[tX]|\bVGG|\bDenseNet|\bInception|\bYOLO|\bR-?CNN\b|\btransformers?\b|\bViT\b|\bLSTM\b|\brecurrent neural|\bRNN\b|\bGANs?\b|\bgenerative adversarial|\bautoencoders?\b|\bmultilayer perceptron|\bEfficientNet|\bAlexNet|\bnnU-?Net|\bMask R-?CNN|\bSegNet|\bDeepLab|\bMobileNet|\bXception", RegexOptions.IgnoreCase)]
    public static partial Regex DeepLearning();

    /// <summary>Broad learning terms: when present without a deep-learning term, a person decides.</summary>
    [GeneratedRegex(@"\bmachine[- ]learning\b|\bartificial intelligence\b|\bAI\b|\bneural\b|\bdeep\b|\blearning[- ]based\b|\bnetworks?\b", RegexOptions.IgnoreCase)]
    public static partial Regex LearningAmbiguous();

    /// <summary>Terms that name the spine.</summary>
    [GeneratedRegex(@"\bspin(?:e|es|al)\b|\bvertebra[el]?\b|\bvertebrae\b|\bintervertebral\b|\bdiscs?\b|\bdisks?\b|\blumbar\b|\blumbosacral\b|\bcervical (?:spine|spondyl|myelopathy|vertebra|disc|cord)|\bthoracic (?:spine|vertebra)|\bthoracolumbar\b|\bsacr(?:al|um)\b|\bscoliosis\b|\bscoliotic\b|\bkyphosis\b|\bkyphotic\b|\blordosis\b|\bspondyl\w*|\bCobb\b|\bspinal cord\b|\bmyelopathy\b|\bpedicle\b|\bsagittal alignment\b|\bback pain\b|\bsciatica\b", RegexOptions.IgnoreCase)]
    public static partial Regex Spine();

    /// <summary>Terms that name medical imaging.</summary>
    [GeneratedRegex(@"\bMRI\b|\bMR\b|\bmagnetic resonance\b|\bCT\b|\bcomputed tomograph\w*|\bradiograph\w*|\bX-?rays?\b|\bultraso\w*|\bsonograph\w*|\bDEXA\b|\bDXA\b|\babsorptiometry\b|\bfluoroscop\w*|\bimag(?:e|es|ing)\b|\bscans?\b|\bO-arm\b|\btomosynthesis\b|\bPET\b|\bSPECT\b|\bmyelograph\w*|\bT[12]-weighted\b|\bradiolog\w*", RegexOptions.IgnoreCase)]
    public static partial Regex Imaging();

    /// <summary>Imaging-free data (tabular, registry, text, genomic): a person decides, rules never exclude on this alone.</summary>
    [GeneratedRegex(@"\bregistry\b|\btabular\b|\belectronic (?:health|medical) records?\b|\bclinical notes?\b|\bgenomic\b", RegexOptions.IgnoreCase)]
    public static partial Regex NonImagingData();
}
