namespace SpineReview.Sources.PubMed;

/// <summary>The protocol's three concept blocks in PubMed syntax, joined with AND.</summary>
public static class PubMedQuery
{
    /// <summary>Deep learning block.</summary>
    public const string DeepLearning =
        "(\"deep learning\"[tiab] OR \"Deep Learning\"[mh] OR \"neural network\"[tiab] OR \"neural networks\"[tiab] OR \"Neural Networks, Computer\"[mh] " +
        "OR convolutional[tiab] OR CNN[tiab] OR CNNs[tiab] OR \"U-Net\"[tiab] OR UNet[tiab] OR ResNet[tiab] OR transformer[tiab] OR transformers[tiab] " +
        "OR LSTM[tiab] OR \"generative adversarial\"[tiab] OR autoencoder*[tiab] OR YOLO[tiab])";

    /// <summary>Spine block.</summary>
    public const string Spine =
        "(spine[tiab] OR spinal[tiab] OR \"Spine\"[mh] OR vertebra*[tiab] OR intervertebral[tiab] OR disc[tiab] OR discs[tiab] OR lumbar[tiab] " +
        "OR cervical spine[tiab] OR thoracic spine[tiab] OR sacral[tiab] OR sacrum[tiab] OR scoliosis[tiab] OR kyphosis[tiab] OR spondyl*[tiab] OR \"spinal cord\"[tiab])";

    /// <summary>Imaging block.</summary>
    public const string Imaging =
        "(MRI[tiab] OR \"magnetic resonance\"[tiab] OR \"Magnetic Resonance Imaging\"[mh] OR CT[tiab] OR \"computed tomography\"[tiab] OR \"Tomography, X-Ray Computed\"[mh] " +
        "OR radiograph*[tiab] OR \"X-ray\"[tiab] OR ultrasound[tiab] OR ultrasonograph*[tiab] OR DEXA[tiab] OR DXA[tiab] OR fluoroscop*[tiab] OR imaging[tiab] OR \"Diagnostic Imaging\"[mh])";

    /// <summary>The default query: all three blocks.</summary>
    public static string Default => $"{DeepLearning} AND {Spine} AND {Imaging}";
}
