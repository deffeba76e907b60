using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace LabelPlatform.Web.Api.V1;

/// <summary>A request and answer to show in the OpenAPI document for one endpoint.</summary>
public sealed record ApiExample(object? Request, object? Response);

/// <summary>
/// An endpoint that reads a multipart body itself (streamed, never buffered by model binding), described as
/// a form with one file field. Not <c>Accepts</c> metadata: that would answer a wrong content type with 415 before
/// the caller's key is even checked.
/// </summary>
/// <summary>A multipart body: one file part (required unless <paramref name="FileOptional"/>) and any text fields (each required).</summary>
public sealed record MultipartUpload(string Field, string Description, bool FileOptional = false, params (string Name, string Description)[] TextFields);

public static class OpenApiExamples
{
    public static RouteHandlerBuilder WithExamples(this RouteHandlerBuilder builder, object? request, object? response) =>
        builder.WithMetadata(new ApiExample(request, response));

    /// <summary>Writes each endpoint's <see cref="ApiExample"/> into its request body and its success answer, and each <see cref="MultipartUpload"/> as its body.</summary>
    public static void AddExamples(OpenApiOptions options) =>
        options.AddOperationTransformer((operation, context, _) =>
        {
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<MultipartUpload>().FirstOrDefault() is { } upload)
            {
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["multipart/form-data"] = new()
                        {
                            Schema = new OpenApiSchema
                            {
                                Type = JsonSchemaType.Object,
                                Required = new HashSet<string>([.. upload.TextFields.Select(f => f.Name), .. upload.FileOptional ? Array.Empty<string>() : [upload.Field]]),
                                Properties = new Dictionary<string, IOpenApiSchema>(upload.TextFields.Select(f =>
                                    KeyValuePair.Create<string, IOpenApiSchema>(f.Name, new OpenApiSchema { Type = JsonSchemaType.String, Description = f.Description })))
                                {
                                    [upload.Field] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary", Description = upload.Description },
                                },
                            },
                        },
                    },
                };
            }

            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<ApiExample>().FirstOrDefault() is not { } example)
            {
                return Task.CompletedTask;
            }

            var serializer = context.ApplicationServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
            JsonNode? Node(object? value) => value is null ? null : JsonNode.Parse(JsonSerializer.Serialize(value, value.GetType(), serializer));
            if (example.Request is not null && operation.RequestBody?.Content is { } requestContent)
            {
                foreach (var media in requestContent.Values)
                {
                    media.Example = Node(example.Request);
                }
            }

            if (example.Response is not null && operation.Responses is { } responses)
            {
                foreach (var (code, response) in responses)
                {
                    if (code.StartsWith('2') && response.Content is { } content)
                    {
                        foreach (var media in content.Values)
                        {
                            media.Example = Node(example.Response);
                        }
                    }
                }
            }

            return Task.CompletedTask;
        });
}
