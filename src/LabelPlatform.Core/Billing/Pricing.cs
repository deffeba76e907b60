namespace LabelPlatform.Billing;

/// <summary>What work costs a researcher: the worker's price plus the platform's fee. Pure arithmetic in minor units.</summary>
public static class Pricing
{
    /// <summary>The fee on an amount: the percentage rounded up to a whole minor unit, and at least the minimum.</summary>
    public static long Fee(long amount, decimal feePercent, long feeMinimum)
    {
        if (amount <= 0)
        {
            return 0;
        }

        var percent = (long)decimal.Ceiling(amount * feePercent / 100m);
        return Math.Max(percent, feeMinimum);
    }

    public static long Fee(long amount, BillingOptions options) => Fee(amount, options.FeePercent, options.FeeMinimum);

    /// <summary>
    /// The gold answers to budget for next to <paramref name="answers"/> real ones when a share of claims is gold:
    /// share/(1 − share) of them, rounded up, at the job's gold rate: the one rate the launch reserve and every top-up use
    /// (a newcomer's extra checks, at most the job's gold answers before blocking per worker, are covered by top-ups).
    /// </summary>
    public static long GoldAnswers(long answers, double goldRate, bool hasGold)
    {
        if (!hasGold || answers <= 0 || goldRate <= 0)
        {
            return 0;
        }

        var rate = Math.Min(goldRate, 0.5);
        return (long)Math.Ceiling(answers * rate / (1 - rate));
    }

    /// <summary>Launching a job reserves its whole cost: every answer (real and gold) at price plus fee.</summary>
    public static long Budget(long answers, long goldAnswers, long price, long fee) => checked((answers + goldAnswers) * (price + fee));
}
