using Bunit;
using LabelPlatform.Billing;
using LabelPlatform.Web.Components.Billing;
using Microsoft.Extensions.DependencyInjection;

namespace LabelPlatform.UnitTests.Components;

/// <summary>The notice every money page shows while the platform has no Stripe key (Earnings, researcher and admin Billing).</summary>
public class PaymentsNotConfiguredTests : ComponentTestContext
{
    [Fact]
    public void Render_NoStripeKey_SaysWhatIsOffAndWhatToDoInstead()
    {
        Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(new StripeOptions()));

        var notice = Render<PaymentsNotConfigured>(p => p.Add(n => n.What, "payouts are off").Add(n => n.Otherwise, "What you earn is still recorded."));

        Assert.Equal("Payments are not configured on this platform (no Stripe:SecretKey), so payouts are off. What you earn is still recorded.",
            notice.Find(".lp-payments-off").TextContent.Trim().ReplaceLineEndings(" ").Replace("  ", " ", StringComparison.Ordinal));
    }

    [Fact]
    public void Render_StripeKeySet_ShowsNothing()
    {
        Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(new StripeOptions { SecretKey = "sk_test_x" }));

        var notice = Render<PaymentsNotConfigured>(p => p.Add(n => n.What, "payouts are off"));

        Assert.Empty(notice.FindAll(".lp-payments-off"));
    }
}
