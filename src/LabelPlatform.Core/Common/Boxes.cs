namespace LabelPlatform.Common;

/// <summary>Geometry of axis-aligned boxes given as left, top, width, height.</summary>
public static class Boxes
{
    /// <summary>Intersection over union of two boxes; 0 when either has no area.</summary>
    public static double Iou(double ax, double ay, double aw, double ah, double bx, double by, double bw, double bh)
    {
        var width = Math.Min(ax + aw, bx + bw) - Math.Max(ax, bx);
        var height = Math.Min(ay + ah, by + bh) - Math.Max(ay, by);
        if (width <= 0 || height <= 0)
        {
            return 0;
        }

        var intersection = width * height;
        var union = (aw * ah) + (bw * bh) - intersection;
        return union > 0 ? intersection / union : 0;
    }
}
