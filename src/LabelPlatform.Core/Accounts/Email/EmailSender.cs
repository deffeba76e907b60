using System.Threading.Channels;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace LabelPlatform.Accounts.Email;

/// <summary>The "Email" configuration section: the SMTP server mail goes out through, and where links point.</summary>
public sealed class EmailOptions
{
    public const string Section = "Email";

    /// <summary>The SMTP server; empty: no mail is sent, and a warning says so at start-up.</summary>
    public string SmtpHost { get; set; } = "";

    public int SmtpPort { get; set; } = 587;

    /// <summary>"StartTls" (default), "Tls" (implicit, port 465) or "None" (a local sink only).</summary>
    public string Security { get; set; } = "StartTls";

    public string? UserName { get; set; }

    public string? Password { get; set; }

    public string From { get; set; } = "LabelPlatform <no-reply@labelplatform.invalid>";

    /// <summary>The site's address as users reach it ("https://label.example.com"), for the links in mail.</summary>
    public string PublicBaseUrl { get; set; } = "http://localhost:5000";
}

public sealed record OutgoingEmail(string To, string Subject, string Text);

/// <summary>
/// Mail is queued and sent in the background by a real SMTP client (MailKit): a request that sends
/// mail answers as fast as one that does not, so "is there an account for this address?" cannot be
/// read from timing. A failed send is retried a few times, then logged.
/// </summary>
public sealed class EmailOutbox(IOptions<EmailOptions> options, ILogger<EmailOutbox> logger) : BackgroundService
{
    private readonly Channel<OutgoingEmail> _queue = Channel.CreateBounded<OutgoingEmail>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest });

    public bool Configured => !string.IsNullOrWhiteSpace(options.Value.SmtpHost);

    public void Enqueue(OutgoingEmail email)
    {
        if (!Configured)
        {
            logger.LogWarning("Email is not configured (Email:SmtpHost); a message \"{Subject}\" was not sent.", email.Subject);
            return;
        }

        _queue.Writer.TryWrite(email);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Configured)
        {
            logger.LogWarning("Email:SmtpHost is not set: password resets and address confirmations cannot be mailed.");
        }

        try
        {
            await SendQueuedAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: what is still queued is not sent (the links it carries can be asked for again).
        }
    }

    private async Task SendQueuedAsync(CancellationToken stoppingToken)
    {
        await foreach (var email in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await SendAsync(email, stoppingToken);
                    break;
                }
                catch (Exception e) when (e is not OperationCanceledException && attempt < 4)
                {
                    logger.LogWarning(e, "Sending \"{Subject}\" failed (attempt {Attempt}); trying again.", email.Subject, attempt);
                    await Task.Delay(TimeSpan.FromSeconds(attempt * 2), stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogError(e, "Sending \"{Subject}\" failed; giving up.", email.Subject);
                    break;
                }
            }
        }
    }

    private async Task SendAsync(OutgoingEmail email, CancellationToken ct)
    {
        var settings = options.Value;
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(settings.From));
        message.To.Add(MailboxAddress.Parse(email.To));
        message.Subject = email.Subject;
        message.Body = new TextPart("plain") { Text = email.Text };
        using var client = new SmtpClient();
        var security = settings.Security.ToLowerInvariant() switch
        {
            "none" => SecureSocketOptions.None,
            "tls" => SecureSocketOptions.SslOnConnect,
            _ => SecureSocketOptions.StartTls,
        };
        await client.ConnectAsync(settings.SmtpHost, settings.SmtpPort, security, ct);
        if (!string.IsNullOrEmpty(settings.UserName))
        {
            await client.AuthenticateAsync(settings.UserName, settings.Password ?? "", ct);
        }

        await client.SendAsync(message, ct);
        await client.DisconnectAsync(true, ct);
    }
}
