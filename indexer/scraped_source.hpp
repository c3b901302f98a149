// Scraped page text: the article inside a site's template ("chrome"), which is learned per source from the
// pages themselves (lines recurring verbatim or by shape), with shape rules for a page seen alone.
#pragma once

#include "source.hpp"

#include "common/dates.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace dateline::indexer {

/// What a line of a page looks like, whatever its words.
enum class LineShape : std::uint8_t {
    text,         ///< anything else: headlines, paragraphs, menu items
    temperature,  ///< "26.2 C", "18°C", "-3 °F"
    date,         ///< a line that is a date or has a date's shape ("Thursday, July 25, 2024")
    number,       ///< digits and punctuation only ("12:30", "1,234")
    name,         ///< one to four capitalised words, no digits, no final punctuation ("Port Louis", "Rose-Hill")
};

/// The shape of one line (trimmed, valid UTF-8).
LineShape line_shape(std::string_view line);

/// What a line's neighbour is, as far as the template is concerned.
enum class ChromeRole : std::uint8_t {
    edge,         ///< no neighbour: the start or end of the page
    content,      ///< not template
    recurring,    ///< a template line recurring verbatim
    temperature,  ///< a template line by shape
    date,
    number,
};

/// How a site prints numeric dates ("04/02/2020"), as its pages show it: day first unless a page proves
/// otherwise (a first number over 12 proves day first, a second one over 12 month first).
enum class NumericDateOrder : std::uint8_t {
    day_first,    ///< proven, or nothing proves otherwise (the convention of French and Mauritian papers)
    month_first,  ///< proven by a page, and never contradicted
    mixed,        ///< both proven: numeric dates of the site are not read
};

/// The template of one source's scraped pages, learned from a sample of its pages:
/// - lines that recur verbatim in at least 20% of the pages (and 3 of them): "Must Read", "Latest Articles";
/// - shapes (temperature, date, number) present in at least 30% of the pages: the weather box, the page date;
/// - slots: a name-like line between lines of the same kinds on at least half of the pages, whose values
///   repeat (at most half as many distinct values as occurrences): the weather city next to the temperature.
/// Headlines and paragraphs differ from page to page, so they are never template.
class ChromeModel {
  public:
    /// Pages needed before the learned rules replace the single-page rules.
    static constexpr std::size_t k_min_pages = 3;

    /// Adds one page (valid UTF-8) to the sample. Only short lines are remembered, as 64-bit hashes.
    void add_page(std::string_view text);
    /// Computes the model from the pages added. Call after the last add_page().
    void finish();

    std::size_t pages() const noexcept { return m_pages.size(); }
    /// True when enough pages were seen for the learned rules to apply.
    bool learned() const noexcept { return m_finished && m_pages.size() >= k_min_pages; }

    /// True when the (trimmed) line recurs verbatim in a large share of the pages.
    bool recurring_line(std::string_view line) const;
    /// True when lines of this shape are template on this site.
    bool template_shape(LineShape shape) const;
    /// True when a name-like line whose neighbours have these roles is template.
    bool template_slot(ChromeRole before, ChromeRole after) const;
    /// The order of the numeric dates in the site's date-shaped lines.
    NumericDateOrder numeric_date_order() const noexcept;

  private:
    struct LineSignature {
        std::uint64_t hash = 0;
        LineShape shape = LineShape::text;
    };
    std::vector<std::vector<LineSignature>> m_pages;
    std::unordered_map<std::uint64_t, std::uint32_t> m_line_pages;
    std::unordered_map<std::uint8_t, std::uint32_t> m_shape_pages;
    std::unordered_set<std::uint16_t> m_template_slots;
    std::size_t m_day_first_dates = 0;    // numeric dates in date-shaped lines whose first number is over 12
    std::size_t m_month_first_dates = 0;  // ... whose second number is over 12
    bool m_finished = false;
};

/// Chrome models by source group (InputFile::source_name).
class ChromeModels {
  public:
    /// The model of a group, created empty on first use.
    ChromeModel& group(const std::string& name) { return m_models[name]; }
    /// The learned model of a group, or null.
    const ChromeModel* find(const std::string& name) const;
    std::size_t size() const noexcept { return m_models.size(); }

  private:
    std::map<std::string, ChromeModel> m_models;
};

/// The article found in a scraped page.
struct ScrapedPage {
    std::string title;
    /// Paragraphs separated by blank lines.
    std::string body;
    /// The page date as printed ("" when none): a date-shaped line, or the date segment of a template line
    /// that holds other chrome ("Curepipe 19.5 °C | mardi 4 février 2020"); its 1-based line number.
    std::string date_text;
    std::size_t date_line = 0;
    /// The page date read from date_text (none when unreadable or refused).
    std::optional<common::NewsDate> date;
    /// Why the page date was refused although the template holds dates ("" when it was not): two different
    /// dates in the page head's template, where which is the page's would be a guess.
    std::string date_refusal;
    /// The lines left out as chrome, in page order (for tests and diagnostics).
    std::vector<std::string> chrome_lines;
};

/// Splits a page (valid UTF-8) into title, date and body. The page date is read from the template lines of the
/// page head (before the headline), a whole line or a segment between separators; different dates there are
/// refused; else the first template date line of the page, else its first date-shaped line. With a learned `model` the site's template
/// is removed; without one (or too few pages) shape rules decide: before the first paragraph, lines that are
/// temperatures, dates, numbers, names next to those, or end with ':' are chrome, and the headline is the
/// longest remaining line (words of `file_name` in it count extra); after the last paragraph, the trailing
/// blocks (related links, comment forms) are chrome.
ScrapedPage extract_scraped_page(std::string_view text, const ChromeModel* model, std::string_view file_name = {});

/// Reads one scraped page per file, using the chrome model of the file's source group when learned.
class ScrapedSource : public Source {
  public:
    explicit ScrapedSource(std::shared_ptr<const ChromeModels> chrome) : m_chrome(std::move(chrome)) {}
    void read(std::istream& in, const InputFile& file, const ArticleSink& sink, Diagnostics& diagnostics) override;

  private:
    std::shared_ptr<const ChromeModels> m_chrome;
};

/// Scraped page content: likely for text that is neither markup ('<') nor JSON ('{', '['), possible for
/// those: any text can be read as a page.
ContentMatch sniff_scraped(std::string_view content);

}  // namespace dateline::indexer
