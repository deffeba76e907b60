using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LabelPlatform.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class FinalLabels : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<double>(
                name: "agreement",
                table: "jobs",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "final_labels_at",
                table: "jobs",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "final_answer",
                table: "items",
                type: "jsonb",
                nullable: true);

            migrationBuilder.AddColumn<float>(
                name: "final_confidence",
                table: "items",
                type: "real",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "final_label",
                table: "items",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "agreement",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "final_labels_at",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "final_answer",
                table: "items");

            migrationBuilder.DropColumn(
                name: "final_confidence",
                table: "items");

            migrationBuilder.DropColumn(
                name: "final_label",
                table: "items");
        }
    }
}
