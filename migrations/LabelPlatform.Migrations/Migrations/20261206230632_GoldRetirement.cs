using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LabelPlatform.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class GoldRetirement : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "gold_shown",
                table: "items",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            // Gold already handed out counts toward retirement.
            migrationBuilder.Sql("UPDATE items SET gold_shown = (SELECT count(*) FROM assignments a WHERE a.item_id = items.id) WHERE gold_answer IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "gold_shown",
                table: "items");
        }
    }
}
