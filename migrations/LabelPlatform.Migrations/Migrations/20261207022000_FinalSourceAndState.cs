using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LabelPlatform.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class FinalSourceAndState : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Changes to which answers count that are not new submissions (rejections, dispute outcomes, reviewers'
            // decisions on undecided items): the final-labels sweep recomputes a job whose last change is newer than
            // its labels. Written by raw SQL only; one row per job, so writers never lock the job row.
            migrationBuilder.Sql("""
                CREATE TABLE job_label_changes (
                    job_id uuid PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
                    changed_at timestamp with time zone NOT NULL
                )
                """);

            migrationBuilder.AddColumn<string>(
                name: "model_calibration",
                table: "jobs",
                type: "jsonb",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "decided_at",
                table: "items",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "decided_by",
                table: "items",
                type: "character varying(450)",
                maxLength: 450,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "decided_label",
                table: "items",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "final_source",
                table: "items",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "final_state",
                table: "items",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE job_label_changes");

            migrationBuilder.DropColumn(
                name: "model_calibration",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "decided_at",
                table: "items");

            migrationBuilder.DropColumn(
                name: "decided_by",
                table: "items");

            migrationBuilder.DropColumn(
                name: "decided_label",
                table: "items");

            migrationBuilder.DropColumn(
                name: "final_source",
                table: "items");

            migrationBuilder.DropColumn(
                name: "final_state",
                table: "items");
        }
    }
}
