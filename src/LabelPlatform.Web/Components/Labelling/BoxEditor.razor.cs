using LabelPlatform.Labelling;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace LabelPlatform.Web.Components.Labelling;

/// <summary>
/// Hosts the browser's bounding-box editor (<c>wwwroot/js/box-editor.js</c>): pointer work stays
/// in the browser and only finished boxes come back, through <see cref="BoxesChanged"/>. Coordinates
/// are the original image's pixels, whatever size the browser was sent.
/// </summary>
public partial class BoxEditor
{
    private ElementReference _host;
    private IJSObjectReference? _module;
    private IJSObjectReference? _editor;
    private DotNetObjectReference<BoxEditor>? _self;
    private object? _shownItem;
    private object? _editorItem;
    private Task _showing = Task.CompletedTask;

    [Parameter, EditorRequired] public object ItemKey { get; set; } = default!;

    [Parameter, EditorRequired] public string ImageUrl { get; set; } = "";

    [Parameter] public int ImageWidth { get; set; }

    [Parameter] public int ImageHeight { get; set; }

    [Parameter, EditorRequired] public IReadOnlyList<string> Classes { get; set; } = [];

    /// <summary>The boxes to start from when a new item appears (a draft, a suggestion).</summary>
    [Parameter] public IReadOnlyList<BoundingBox> InitialBoxes { get; set; } = [];

    [Parameter] public int MinSize { get; set; } = 1;

    [Parameter] public int MaxBoxes { get; set; } = 500;

    [Parameter] public string Height { get; set; } = "min(70vh, 720px)";

    [Parameter] public EventCallback<IReadOnlyList<BoundingBox>> BoxesChanged { get; set; }

    [Parameter] public EventCallback<int> SelectionChanged { get; set; }

    [Parameter] public EventCallback<int> ActiveClassChanged { get; set; }

    [Parameter] public EventCallback<string> Message { get; set; }

    protected override Task OnAfterRenderAsync(bool firstRender)
    {
        if (Equals(_shownItem, ItemKey))
        {
            return Task.CompletedTask;
        }

        // One editor at a time: a new item that renders while the last one's editor is still being
        // made waits for it, so no editor is left behind on the host.
        _shownItem = ItemKey;
        _showing = ShowCurrentItemAsync(_showing);
        return _showing;
    }

    private async Task ShowCurrentItemAsync(Task before)
    {
        await before;
        var item = ItemKey;
        if (_editor is not null && Equals(_editorItem, item))
        {
            return;
        }

        _module ??= await JS.InvokeAsync<IJSObjectReference>("import", "/js/box-editor.js");
        _self ??= DotNetObjectReference.Create(this);
        if (_editor is not null)
        {
            var old = _editor;
            (_editor, _editorItem) = (null, null);
            await old.InvokeVoidAsync("dispose");
            await old.DisposeAsync();
        }

        _editor = await _module.InvokeAsync<IJSObjectReference>("create", _host, new
        {
            imageUrl = ImageUrl,
            imageWidth = ImageWidth,
            imageHeight = ImageHeight,
            classes = Classes,
            boxes = InitialBoxes.Select(b => new { label = b.Label, x = b.X, y = b.Y, w = b.W, h = b.H, suggested = b.Suggested }),
            minSize = MinSize,
            maxBoxes = MaxBoxes,
            activeClass = 0,
            onActiveClassChanged = nameof(OnActiveClassChanged),
        }, _self);
        _editorItem = item;
    }

    /// <summary>Whether the browser's editor shows the current item (it is created just after the item renders).</summary>
    private bool ShowsCurrentItem => _editor is not null && Equals(_editorItem, ItemKey);

    public ValueTask FocusAsync() => _host.FocusAsync();

    public async Task UndoAsync() => await CallAsync("undo");

    public async Task RedoAsync() => await CallAsync("redo");

    public async Task SelectAsync(int index) => await CallAsync("select", index);

    public async Task DeleteSelectedAsync() => await CallAsync("deleteSelected");

    /// <summary>The class for new boxes; also the selected box's new class.</summary>
    public async Task SetActiveClassAsync(int index) => await CallAsync("setActiveClass", index);

    public async Task SetShowBoxesAsync(bool show) => await CallAsync("setShowBoxes", show);

    public async Task SetBoxesAsync(IReadOnlyList<BoundingBox> boxes) =>
        await CallAsync("setBoxes", boxes.Select(b => new { label = b.Label, x = b.X, y = b.Y, w = b.W, h = b.H, suggested = b.Suggested }));

    /// <summary>
    /// The boxes as the browser has them now. Until the browser's editor shows the current item
    /// (a key pressed the moment a restored draft appears), nobody can have changed the boxes it
    /// starts from, so those are the answer, never an empty list or the previous item's boxes.
    /// </summary>
    public async Task<IReadOnlyList<BoundingBox>> GetBoxesAsync()
    {
        if (!ShowsCurrentItem)
        {
            return InitialBoxes;
        }

        var boxes = await _editor!.InvokeAsync<List<BoxDto>>("getBoxes");
        return boxes.Select(b => new BoundingBox(b.Label ?? "", b.X, b.Y, b.W, b.H, b.Suggested)).ToList();
    }

    /// <summary>Sends any nudge still waiting in the browser, so <see cref="BoxesChanged"/> has the latest boxes.</summary>
    public async Task FlushAsync() => await CallAsync("flush");

    [JSInvokable]
    public Task OnBoxesChanged(List<BoxDto> boxes) =>
        BoxesChanged.InvokeAsync(boxes.Select(b => new BoundingBox(b.Label ?? "", b.X, b.Y, b.W, b.H, b.Suggested)).ToList());

    [JSInvokable]
    public Task OnSelectionChanged(int index) => SelectionChanged.InvokeAsync(index);

    [JSInvokable]
    public Task OnActiveClassChanged(int index) => ActiveClassChanged.InvokeAsync(index);

    [JSInvokable]
    public Task OnEditorMessage(string text) => Message.InvokeAsync(text);

    private async Task CallAsync(string method, params object?[] args)
    {
        if (ShowsCurrentItem)
        {
            await _editor!.InvokeVoidAsync(method, args);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_editor is not null)
            {
                await _editor.InvokeVoidAsync("dispose");
                await _editor.DisposeAsync();
            }

            if (_module is not null)
            {
                await _module.DisposeAsync();
            }
        }
        catch (JSDisconnectedException)
        {
            // The browser is gone; so is the editor.
        }

        _self?.Dispose();
    }

    public sealed record BoxDto(string? Label, double X, double Y, double W, double H, bool Suggested);
}
