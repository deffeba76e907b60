namespace LabelPlatform.Labelling;

/// <summary>What workers do with each item of a job; a job chooses one.</summary>
public enum TaskKind
{
    /// <summary>One label per image.</summary>
    ImageClassification,

    /// <summary>Any subset of the labels per image.</summary>
    ImageMultiLabel,

    /// <summary>Boxes around objects, each with one of the labels as its class.</summary>
    BoundingBoxes,

    /// <summary>One label per text item (up to 10,000 characters).</summary>
    TextClassification,

    /// <summary>Any subset of the labels per text item.</summary>
    TextMultiLabel,
}
