using LabelPlatform.Accounts.EmailConfirmation;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.IntegrationTests.Support;
using LabelPlatform.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace LabelPlatform.IntegrationTests.Api;

/// <summary>With confirmation required (production's default), a new worker takes no paid work until the mailed link is used.</summary>
public class EmailConfirmationTests(LabelPlatformFactory factory) : IClassFixture<LabelPlatformFactory>
{
    [Fact]
    public async Task SignUp_WorkerConfirmsWithTheMailedLink_OnlyThenMayTakePaidWork()
    {
        using var app = factory.WithWebHostBuilder(b => b.UseSetting("Accounts:RequireConfirmedEmail", "true"));
        var worker = await factory.SignUpAsync(AccountKind.Worker);
        await using var scope = app.Services.CreateAsyncScope();
        var confirmation = scope.ServiceProvider.GetRequiredService<EmailConfirmation>();

        Assert.True(confirmation.Required);
        Assert.False(await confirmation.MayTakePaidWorkAsync(worker.Id));
        var mail = await MailSink.Shared.WaitForAsync(worker.Email!, "Confirm your LabelPlatform address");
        var (email, token) = TokenLinks.Parse(mail.Text, "/account/confirm");

        // Another address with this token, or a changed token: not confirmed.
        var other = await factory.SignUpAsync(AccountKind.Worker);
        Assert.Equal(EmailConfirmation.LinkNotValid, await confirmation.ConfirmAsync(other.Email, token));
        Assert.Equal(EmailConfirmation.LinkNotValid, await confirmation.ConfirmAsync(email, TokenLinks.Tampered(token)));
        Assert.False(await confirmation.MayTakePaidWorkAsync(worker.Id));

        Assert.Null(await confirmation.ConfirmAsync(email, token));
        Assert.True(await confirmation.MayTakePaidWorkAsync(worker.Id));
        Assert.False(await confirmation.MayTakePaidWorkAsync(other.Id));
    }
}
