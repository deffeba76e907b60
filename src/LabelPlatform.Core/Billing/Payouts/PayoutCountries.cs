namespace LabelPlatform.Billing.Payouts;

/// <summary>Countries where Stripe opens Express accounts for a platform's payouts (Stripe's list of supported countries), by ISO 3166-1 alpha-2 code.</summary>
public static class PayoutCountries
{
    public static readonly IReadOnlyDictionary<string, string> Names = new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        ["AE"] = "United Arab Emirates", ["AT"] = "Austria", ["AU"] = "Australia", ["BE"] = "Belgium", ["BG"] = "Bulgaria",
        ["BR"] = "Brazil", ["CA"] = "Canada", ["CH"] = "Switzerland", ["CY"] = "Cyprus", ["CZ"] = "Czech Republic",
        ["DE"] = "Germany", ["DK"] = "Denmark", ["EE"] = "Estonia", ["ES"] = "Spain", ["FI"] = "Finland",
        ["FR"] = "France", ["GB"] = "United Kingdom", ["GI"] = "Gibraltar", ["GR"] = "Greece", ["HK"] = "Hong Kong",
        ["HR"] = "Croatia", ["HU"] = "Hungary", ["IE"] = "Ireland", ["IT"] = "Italy", ["JP"] = "Japan",
        ["LI"] = "Liechtenstein", ["LT"] = "Lithuania", ["LU"] = "Luxembourg", ["LV"] = "Latvia", ["MT"] = "Malta",
        ["MX"] = "Mexico", ["MY"] = "Malaysia", ["NL"] = "Netherlands", ["NO"] = "Norway", ["NZ"] = "New Zealand",
        ["PL"] = "Poland", ["PT"] = "Portugal", ["RO"] = "Romania", ["SE"] = "Sweden", ["SG"] = "Singapore",
        ["SI"] = "Slovenia", ["SK"] = "Slovakia", ["TH"] = "Thailand", ["US"] = "United States",
    };
}
