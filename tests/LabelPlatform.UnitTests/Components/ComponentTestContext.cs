using Bunit;
using MudBlazor.Services;

namespace LabelPlatform.UnitTests.Components;

/// <summary>The one bUnit context for component tests: MudBlazor's services, and JS calls answered loosely.</summary>
/// <remarks>
/// MudBlazor registers services that can only be disposed asynchronously, and xunit 2 disposes test classes
/// synchronously, so the context is disposed through <see cref="IAsyncLifetime"/> first.
/// </remarks>
public abstract class ComponentTestContext : BunitContext, IAsyncLifetime
{
    protected ComponentTestContext()
    {
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();
}
