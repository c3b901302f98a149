-- wrk script for dateline-serve: half searches (1-3 words, phrases, date and language filters, paging, exact
-- facets and snippets), half as-you-type completions. Run by the benchmark, not by CTest:
--   wrk -t2 -c16 -d30s --latency -s tests/server/wrk_mix.lua http://127.0.0.1:8080
local searches = {
  "q=inflation", "q=federal+reserve", "q=interest+rates", "q=unemployment+rate", "q=stock+market",
  "q=%22dow+jones%22", "q=oil+prices", "q=housing+market&from=2005&to=2009", "q=bank+mergers",
  "q=treasury+bonds&sort=date", "q=trade+deficit+japan", "q=consumer+spending&page=2", "q=greenspan",
  "q=recession&from=2008-01&to=2009-12", "q=tax+cuts", "q=budget+deficit+congress", "q=dollar+yen",
  "q=retail+sales", "q=mortgage+rates&size=20", "q=wall+street&lang=en", "q=", "q=jobs+report&drill=2010",
}
local prefixes = {
  "inf", "fed", "stoc", "unem", "tre", "hous", "oi", "ban", "gre", "rec", "mort", "wall+st", "consumer+sp",
  "dow+j", "int", "bud", "ja", "ret", "dol", "tax",
}
local n = 0
request = function()
  n = n + 1
  if n % 2 == 0 then
    return wrk.format("GET", "/api/search?" .. searches[(n / 2) % #searches + 1])
  end
  return wrk.format("GET", "/api/suggest?q=" .. prefixes[((n - 1) / 2) % #prefixes + 1])
end
