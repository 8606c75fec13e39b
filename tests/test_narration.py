"""The narrator's reading of newsroom copy (issue 15): a table per category, negatives included —
what must NOT change is as much a case as what must. Each case is scripted through build_script
(the real path: caption cleaning, the English rules, the lexicon) and compared word for word."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from audiobook import build_script
from audiobook.lexicon import lexicon_from_mapping
from audiobook.model import Article, Block

CASES: dict[str, list[tuple[str, str]]] = {
    "counts_years": [
        ("The firm employs c.4,000 staff.", "The firm employs circa 4,000 staff."),
        ("The house was built c. 1850.", "The house was built circa eighteen fifty."),
        ("The breach exposed data on 2.9bn people.", "The breach exposed data on 2.9 billion people."),
        ("It has 1.5mn users.", "It has 1.5 million users."),
        ("It expects growth for 2025.", "It expects growth for twenty twenty-five."),
        ("It sold for 2000 dollars.", "It sold for two thousand dollars."),
        ("The median rate is 4.6% at end-2024.", "The median rate is 4.6 percent at end-twenty twenty-four."),
        ("Its total reached 260.28M.", "Its total reached 260.28 million."),
        ("A 4K TV is cheap.", "A 4K T V is cheap."),
        ("Early turnout topped 1.2m in Georgia.", "Early turnout topped 1.2 million in Georgia."),
        ("The wave topped 1.2m high.", "The wave topped 1.2 metres high."),
        ("The wall is 1.2m tall.", "The wall is 1.2 metres tall."),
        ("Until 1900 nothing.", "Until nineteen hundred nothing."),
        ("From 1905 on.", "From nineteen oh five on."),
        ("The class of 1999 met.", "The class of nineteen ninety-nine met."),
        ("It cost 1999 dollars.", "It cost one thousand nine hundred and ninety-nine dollars."),
        ("Between 1990 and 2000 it grew.", "Between nineteen ninety and two thousand it grew."),
        ("Sea levels rose between 2006 and 2018.", "Sea levels rose between two thousand six and twenty eighteen."),
        ("In 2010, 2014 or 2018 it won.", "In twenty ten, twenty fourteen or twenty eighteen it won."),
        ("It had 2000 and 3000 users.", "It had 2000 and 3000 users."),
        ("The company cut its 2024 outlook.", "The company cut its twenty twenty-four outlook."),
        ("It was 2023's biggest film.", "It was twenty twenty-three's biggest film."),
        ("Chips ship in 2H 2025.", "Chips ship in the second half of twenty twenty-five."),
        ("He said so in a 2020 interview.", "He said so in a twenty twenty interview."),
        ("Its 2000 employees left.", "Its two thousand employees left."),
        ("The 2024/25 season starts.", "The twenty twenty-four to twenty-five season starts."),
        ("It will cut jobs by mid-2025.", "It will cut jobs by mid-twenty twenty-five."),
        ("Prices are above pre-2020 levels.", "Prices are above pre-twenty twenty levels."),
        ("Back in '08, we had nothing.", "Back in oh 8, we had nothing."),
        ("He said 'hello' twice.", "He said 'hello' twice."),
        ("The show aired from 1994 to 2004.", "The show aired from nineteen ninety-four to two thousand four."),
        ("A crew of 1450 workers.", "A crew of one thousand four hundred and fifty workers."),
        ("It hired 1200 new staff.", "It hired one thousand two hundred new staff."),
        ("The 1500 residents voted.", "The one thousand five hundred residents voted."),
        ("It began in 2024.", "It began in twenty twenty-four."),
        ("Since 1984 it grew.", "Since nineteen eighty-four it grew."),
        ("By 2050 we will know.", "By twenty fifty we will know."),
        ("Prices have doubled since 2019.", "Prices have doubled since twenty nineteen."),
        ("The 2024 election was close.", "The twenty twenty-four election was close."),
        ("It opened in 2005.", "It opened in two thousand five."),
        ("The law (2019) changed that.", "The law (twenty nineteen) changed that."),
        ("2020 was a hard year.", "Twenty twenty was a hard year."),
        ("From 2019–2021 it shrank.", "From twenty nineteen to twenty twenty-one it shrank."),
        ("The 2023-24 season ended.", "The twenty twenty-three to twenty-four season ended."),
        ("Some 2,024 people came.", "Some 2,024 people came."),
        ("About 25,000 accounts.", "About 25,000 accounts."),
        ("In 1066 the Normans came.", "In ten sixty-six the Normans came."),
        ("The fund holds 1800 homes.", "The fund holds one thousand eight hundred homes."),
        ("She ran 3000 metres.", "She ran 3000 metres."),
    ],
    "dates": [
        (
            "The statement will be published at 5.30pm on Thursday.",
            "The statement will be published at five thirty p.m. on Thursday.",
        ),
        ("Doors open at 10.45 a.m. sharp.", "Doors open at ten forty-five a.m. sharp."),
        ("The fair runs 10am-5.30pm daily.", "The fair runs ten a.m. to five thirty p.m. daily."),
        ("The call is at 5:30pm.", "The call is at five thirty p.m."),
        ("Inflation was 5.30 percent.", "Inflation was 5.30 percent."),
        ("It stays at 12:45GMT.", "It stays at 12:45GMT."),
        ("Highs could top 115°F by Thu.", "Highs could top 115 degrees Fahrenheit by Thursday."),
        ("It runs Wed. 6 March and Fri.", "It runs Wednesday the sixth of March and Friday."),
        ("Investors price in 3 cuts by Dec., per CME.", "Investors price in 3 cuts by December, per CME."),
        ("It ran from Sept. to Nov.", "It ran from September to November."),
        ("The Dec. 5 vote passed.", "The December fifth vote passed."),
        (
            "It leaves at 07h43 and arrives at 21h05.",
            "It leaves at seven forty-three and arrives at twenty-one oh five.",
        ),
        ("The 4h30 flight is long.", "The 4h30 flight is long."),
        ("The summit begins at 14:00 CET.", "The summit begins at fourteen hundred C E T."),
        ("Doors open at 9:00 sharp.", "Doors open at nine o'clock sharp."),
        ("The clock reset at 00:00.", "The clock reset at zero hundred."),
        ("India is at UTC+5:30.", "India is at U T C plus five thirty."),
        ("New York is at GMT-5 now.", "New York is at G M T minus 5 now."),
        ("Launch is at T+8:30.", "Launch is at T plus eight thirty."),
        ("Stages part at T-0:45.", "Stages part at T minus zero forty-five."),
        ("The T-34 tank rolled on.", "The T-34 tank rolled on."),
        ("Published March 7.", "Published March seventh."),
        ("It happened on 7 March.", "It happened on the seventh of March."),
        ("Filed Mar. 7.", "Filed March seventh."),
        ("On the 7th of March we met.", "On the seventh of March we met."),
        ("It ended on Sept. 30, 2024.", "It ended on September thirtieth, twenty twenty-four."),
        ("The Budget is on Wed 6 March.", "The Budget is on Wednesday the sixth of March."),
        ("The Sun 5 times.", "The Sun 5 times."),
        ("Due 2025-01-31.", "Due January thirty-first, twenty twenty-five."),
        ("In the 1970s prices rose.", "In the nineteen-seventies prices rose."),
        ("Music of the '60s.", "Music of the sixties."),
        ("In the 2010s it boomed.", "In the twenty-tens it boomed."),
        ("In the 1900s.", "In the nineteen-hundreds."),
        ("In her 60s she retired.", "In her sixties she retired."),
        ("It was signed 4/9/2025.", "It was signed April ninth, twenty twenty-five."),
        ("Logged at 2025-04-09T08:15Z.", "Logged at April ninth, twenty twenty-five, eight fifteen U T C."),
        ("Open Tue.–Thu.", "Open Tuesday to Thursday."),
        ("Open Mon-Fri.", "Open Monday to Friday."),
        ("The call is at 9am PT.", "The call is at nine a.m. Pacific."),
        ("Polls close at 7pm (0000 GMT).", "Polls close at seven p.m. (midnight G M T)."),
        ("It fell at 1430 UTC.", "It fell at fourteen thirty U T C."),
        ("Doors open at 9 a.m. ET.", "Doors open at nine a.m. Eastern."),
        ("It runs March 7–9.", "It runs March seventh to ninth."),
        ("On March 12, 2026 it opened.", "On March twelfth, twenty twenty-six it opened."),
        ("It starts in March 2026.", "It starts in March twenty twenty-six."),
        ("Meet at 3:30 p.m. sharp.", "Meet at three thirty p.m. sharp."),
        ("Open 9 a.m.-5 p.m., Tues.-Sun.", "Open nine a.m. to five p.m., Tuesday to Sunday."),
        ("It runs Nov. 27-Dec. 1 in Las Vegas.", "It runs November twenty-seventh to December first in Las Vegas."),
        ("The ceremony is on 11/11.", "The ceremony is on November eleventh."),
        ("Add 3/4 of a cup.", "Add three quarters of a cup."),
        ("The poll ran Oct. 7-10.", "The poll ran October seventh to tenth."),
    ],
    "money": [
        ("Toyota lifted its profit forecast to ¥4.9trn.", "Toyota lifted its profit forecast to 4.9 trillion yen."),
        ("The flat costs £1,750 pcm.", "The flat costs 1,750 pounds a month."),
        ("Rooms from 900pcm.", "Rooms from 900 a month."),
        ("Gold hit a record $2,450.05 an ounce.", "Gold hit a record 2,450 dollars and 5 cents an ounce."),
        ("It costs $14.05 now.", "It costs 14 dollars and 5 cents now."),
        ("It costs $1.05 now.", "It costs a dollar five now."),
        ("It costs $14.50 now.", "It costs 14 dollars fifty now."),
        ("The market cap crossed $3T on Wednesday.", "The market cap crossed 3 trillion dollars on Wednesday."),
        ("Gas fell to $1.61 per MMBtu.", "Gas fell to a dollar sixty-one per million B T U."),
        ("He must pay $148M to 2 election workers.", "He must pay 148 million dollars to 2 election workers."),
        ("It rose from $5M to $6M.", "It rose from 5 to 6 million dollars."),
        ("It guided to revenue of $16.4B-$16.8B.", "It guided to revenue of 16.4 to 16.8 billion dollars."),
        ("It expects $500M-$1.2B in sales.", "It expects 500 million to 1.2 billion dollars in sales."),
        ("Tickets cost $5-$8 each.", "Tickets cost 5 to 8 dollars each."),
        ("Gold hit $2,195.15/oz on Thursday.", "Gold hit 2,195 dollars fifteen an ounce on Thursday."),
        ("Gas averaged $3.49/gal.", "Gas averaged 3 dollars forty-nine a gallon."),
        (
            "The Dodgers' 10-year, $700 million deal stands.",
            "The Dodgers' 10-year, seven-hundred-million-dollar deal stands.",
        ),
        ("The Dodgers paid $700 million.", "The Dodgers paid 700 million dollars."),
        ("It costs $1.05.", "It costs a dollar five."),
        ("Only €0.45 each.", "Only 45 cents each."),
        ("A stamp is £0.85.", "A stamp is 85 pence."),
        ("It costs US$3.", "It costs 3 U S dollars."),
        ("A $4–6 billion plan.", "A four-to-six-billion-dollar plan."),
        ("It will cost $4–6 billion.", "It will cost 4 to 6 billion dollars."),
        ("A $2 billion dam.", "A two-billion-dollar dam."),
        ("It cost $2 billion.", "It cost 2 billion dollars."),
        ("It costs $5, or less.", "It costs 5 dollars, or less."),
        ("It costs $14.50 today.", "It costs 14 dollars fifty today."),
        ("It costs $1.", "It costs 1 dollar."),
        ("It costs $3.00.", "It costs 3 dollars."),
        ("Fees run €29–€59.", "Fees run 29 to 59 euros."),
        ("A USD 5bn deal.", "A five-billion-dollar deal."),
        ("Only ¥500.", "Only 500 yen."),
        ("Gum costs 50¢.", "Gum costs 50 cents."),
        ("Sterling fell 1.2¢.", "Sterling fell 1.2 cents."),
        ("Grants of €3,000 help.", "Grants of 3,000 euros help."),
        ("It raised C$40 million.", "It raised 40 million Canadian dollars."),
        ("Tickets cost £4.", "Tickets cost 4 pounds."),
        ("EPS of $6.10-$6.30 is guided.", "E P S of 6 dollars ten to 6 dollars thirty is guided."),
        ("It values them at 310p a share.", "It values them at 310 pence a share."),
        ("A 1080p screen.", "A 1080p screen."),
        ("Biden signed the $1.2 trillion package.", "Biden signed the one-point-two-trillion-dollar package."),
        ("The $5 fee is gone.", "The five-dollar fee is gone."),
        (
            "He signed a 4-year, $120 million contract.",
            "He signed a 4-year, one-hundred-and-twenty-million-dollar contract.",
        ),
        ("India's Rs 500 note went.", "India's five-hundred-rupee note went."),
        ("It costs Rs. 1,200.", "It costs 1,200 rupees."),
        ("It's $5 now.", "It's 5 dollars now."),
        ("The team spent $5 million on it.", "The team spent 5 million dollars on it."),
        ("The $5 million in aid came.", "The 5 million dollars in aid came."),
        ("Brent rose $1.37, or 1.6%.", "Brent rose a dollar thirty-seven, or 1.6 percent."),
    ],
    "finance": [
        ("It reiterated its FY outlook.", "It reiterated its fiscal year outlook."),
        ("Applications rose 7.1% w/w.", "Applications rose 7.1 percent week on week."),
        ("Microsoft posted FQ3 EPS of $2.94.", "Microsoft posted fiscal third-quarter E P S of 2 dollars ninety-four."),
        ("It beat estimates by 2c.", "It beat estimates by 2 cents."),
        ("A 1c coin and a 2C rise.", "A 1 cent coin and a 2C rise."),
        ("He signed a 3-yr/$15M extension.", "He signed a 3-year, fifteen-million-dollar extension."),
        ("The 10-yr yield rose.", "The 10-year yield rose."),
        (
            "EPS of $1.27 beat the $1.18 consensus.",
            "E P S of a dollar twenty-seven beat the one dollar eighteen consensus.",
        ),
        ("It charges a $0.45 fee.", "It charges a forty-five-cent fee."),
        ("It added a $5.00 charge.", "It added a five-dollar charge."),
        ("It cost $1.18 and then $0.45.", "It cost a dollar eighteen and then 45 cents."),
        ("Rates rose 50 bps.", "Rates rose 50 basis points."),
        ("A cut of 25bp.", "A cut of 25 basis points."),
        ("Margins widened +0.4 pp.", "Margins widened plus 0.4 percentage points."),
        ("Sales grew 3% q/q.", "Sales grew 3 percent quarter on quarter."),
        ("Sales grew 5% y/y.", "Sales grew 5 percent year on year."),
        ("Output rose 1% m/m.", "Output rose 1 percent month on month."),
        ("Profit in FY25 doubled.", "Profit in fiscal twenty twenty-five doubled."),
        ("Guidance for FY2026 held.", "Guidance for fiscal twenty twenty-six held."),
        ("Shares rose +2%.", "Shares rose 2 percent."),
        ("The index fell -1.5%.", "The index fell 1.5 percent."),
        ("Stocks were up +3% today.", "Stocks were up 3 percent today."),
        ("Revenue grew 12% YoY.", "Revenue grew 12 percent year on year."),
        ("Returns YTD are flat.", "Returns year to date are flat."),
        ("It is 10x faster.", "It is 10 times faster."),
        ("A gain of +5% is rare.", "A gain of plus 5 percent is rare."),
        ("EPS rose 4%.", "E P S rose 4 percent."),
        ("Apple reported Q3 revenue.", "Apple reported third-quarter revenue."),
        ("In Q3 2024 sales fell.", "In the third quarter of twenty twenty-four sales fell."),
        ("Q4 was strong.", "The fourth quarter was strong."),
        ("Its Q1 results beat.", "Its first-quarter results beat."),
        ("The company's Q4 FY24 results beat.", "The company's fourth-quarter fiscal twenty twenty-four results beat."),
        ("Gas prices slumped in H1.", "Gas prices slumped in the first half."),
        ("Its H2 revenue rose.", "Its second-half revenue rose."),
        ("The H5 virus spread.", "The H5 virus spread."),
        ("H2 fuel cells are costly.", "H2 fuel cells are costly."),
        ("Q1. What is the capital?", "Q1. What is the capital?"),
        ("It rose in Q3.", "It rose in the third quarter."),
        ("Her novel sold 200k copies.", "Her novel sold 200 thousand copies."),
        ("A 5k race.", "A 5k race."),
        ("The model has 70B parameters.", "The model has 70 billion parameters."),
        ("A 1M-token window.", "A 1 million-token window."),
        ("It was downloaded 500M+ times.", "It was downloaded 500 million-plus times."),
        ("The forward P/E ratio is 21x.", "The forward P E ratio is 21 times."),
        (
            "It flew 142.6 million people in FY2023/24.",
            "It flew 142.6 million people in fiscal twenty twenty-three twenty-four.",
        ),
        ("It comes in 8B and 70B versions.", "It comes in 8 billion and 70 billion versions."),
        ("He hit 25 HRs.", "He hit 25 home runs."),
        ("A 4K TV.", "A 4K TV."),
        ("The Fed held at 5.25%-5.5%.", "The Fed held at 5.25 to 5.5 percent."),
        ("The BoE held rates.", "The B o E held rates."),
    ],
    "titles": [
        ("Hurricane Beryl reached Cat. 5 on July 2.", "Hurricane Beryl reached Category 5 on July second."),
        ("Gov. Greg Abbott (R) signed it.", "Governor Greg Abbott, Republican, signed it."),
        ("Sen. Jon Tester (D), who trails, spoke.", "Senator Jon Tester, Democrat, who trails, spoke."),
        ("See Figure (D) below.", "See Figure (D) below."),
        ("Arrive early for int'l flights.", "Arrive early for international flights."),
        ("The Nat'l Guard arrived.", "The National Guard arrived."),
        ("The Lt. Gov. will serve until Jan. 1.", "The Lieutenant Governor will serve until January first."),
        ("The Knicks face the 76ers in Rd. 1.", "The Knicks face the 76ers in Round 1."),
        ("Turn onto Abbey Rd. now.", "Turn onto Abbey Road now."),
        ("The governor signed SB 1047 on Friday.", "The governor signed S B 10 47 on Friday."),
        ("The measure, Prop. 1, passed.", "The measure, Proposition 1, passed."),
        ("See Fig. 3 and Art. 5.", "See Figure 3 and Article 5."),
        ("The prop. was heavy.", "The prop. was heavy."),
        ("The bill, H.R. 7521, passed.", "The bill, H R 75 21, passed."),
        ("He reached the QF in Paris.", "He reached the quarterfinal in Paris."),
        ("Mt. Everest is high.", "Mount Everest is high."),
        ("Ft. Worth is in Texas.", "Fort Worth is in Texas."),
        ("Sunset Blvd. is long.", "Sunset Boulevard is long."),
        ("The Dept. of Labor said.", "The Department of Labor said."),
        ("Gov. Newsom spoke.", "Governor Newsom spoke."),
        ("Sen. Warren agreed.", "Senator Warren agreed."),
        ("Rep. Ocasio-Cortez voted.", "Representative Ocasio-Cortez voted."),
        ("Lt. Col. Vindman testified.", "Lieutenant Colonel Vindman testified."),
        ("Sgt. Pepper played.", "Sergeant Pepper played."),
        ("Capt. Kirk landed.", "Captain Kirk landed."),
        ("Pres. Lincoln wrote it.", "President Lincoln wrote it."),
        ("Prof. Smith teaches.", "Professor Smith teaches."),
        ("Martin Luther King Jr. spoke.", "Martin Luther King Junior spoke."),
        ("They live in St. Louis.", "They live in Saint Louis."),
        ("The shop is on Main St.", "The shop is on Main Street."),
        ("It is on Main St. near the bank.", "It is on Main Street near the bank."),
        ("Gen. Milley retired.", "General Milley retired."),
        ("Lt Col Smith arrived.", "Lieutenant Colonel Smith arrived."),
        ("Dr. Jones operated.", "Doctor Jones operated."),
        ("They met at St. Pancras.", "They met at Saint Pancras."),
        ("Gen Z shops online.", "Gen Z shops online."),
        ("Man Utd drew.", "Man United drew."),
        ("Sen. Chuck Schumer, D-N.Y., said no.", "Senator Chuck Schumer, Democrat of New York, said no."),
        ("Rep. Ro Khanna, D-Calif., agreed.", "Representative Ro Khanna, Democrat of California, agreed."),
        ("Sen. Ted Cruz, R-Texas, spoke.", "Senator Ted Cruz, Republican of Texas, spoke."),
        ("The D-Day landings began.", "The D-Day landings began."),
        ("An R-rated film.", "An R-rated film."),
        ("Take I-95 north.", "Take I-95 north."),
        ("Sen. Elizabeth Warren (D-Mass.) spoke.", "Senator Elizabeth Warren (Democrat of Massachusetts) spoke."),
        ("The (R) label stays.", "The (R) label stays."),
        ("Loper Bright v. Raimondo was decided.", "Loper Bright versus Raimondo was decided."),
        ("Q: Why now?", "Question: Why now?"),
        ("Q: Why now? A: Because it was time.", "Question: Why now? Answer: Because it was time."),
        ("A: Because it was time.", "A: Because it was time."),
        ("A: Apples. B: Pears.", "A: Apples. B: Pears."),
    ],
    "roman": [
        ("The dose is given IV every week.", "The dose is given I V every week."),
        ("Phase IV trials began.", "Phase Four trials began."),
        ("Queen Elizabeth I ruled.", "Queen Elizabeth the First ruled."),
        ("Apollo XI landed.", "Apollo Eleven landed."),
        ("Title IX applies.", "Title Nine applies."),
        ("Rocky IV was a hit.", "Rocky Four was a hit."),
        ("Chapter XII ends it.", "Chapter Twelve ends it."),
        ("Elizabeth II reigned long.", "Elizabeth the Second reigned long."),
        ("World War I ended in 1918.", "World War One ended in nineteen eighteen."),
        ("World War II began.", "World War Two began."),
        ("Act III opens.", "Act Three opens."),
        ("Super Bowl LVIII was close.", "Super Bowl Fifty-eight was close."),
        ("Phase IV trials began.", "Phase Four trials began."),
        ("Henry VIII had six wives.", "Henry the Eighth had six wives."),
        ("Louis XIV built it.", "Louis the Fourteenth built it."),
        ("Pope John Paul II visited.", "Pope John Paul the Second visited."),
        ("Type II diabetes is common.", "Type Two diabetes is common."),
        ("Then I left.", "Then I left."),
        ("Try the MIX button.", "Try the MIX button."),
        ("The CIVIL code applies.", "The CIVIL code applies."),
        ("She wore a V-neck.", "She wore a V-neck."),
        ("When I arrived, I ate.", "When I arrived, I ate."),
        ("John Smith III won.", "John Smith the Third won."),
        ("Charles I was executed.", "Charles the First was executed."),
        ("She got a Grade C in maths.", "She got a Grade C in maths."),
        ("It has USB Type C ports.", "It has U S B Type C ports."),
    ],
    "units": [
        ("A quake hit 52 km SW of the city.", "A quake hit 52 kilometres southwest of the city."),
        ("It is 10 miles NNE of Leeds.", "It is 10 miles north-northeast of Leeds."),
        ("Take SE 82nd to the bridge, then NW Lovejoy.", "Take SE 82nd to the bridge, then NW Lovejoy."),
        ("Exposure was linked to a 1.4× higher risk.", "Exposure was linked to a 1.4 times higher risk."),
        ("She was jailed for 3 yrs 9 mths.", "She was jailed for 3 years 9 months."),
        ("Labour has 2 MPs in Wales.", "Labour has 2 M P's in Wales."),
        (
            "The heatwave pushed temperatures to 40.3C in Lincolnshire.",
            "The heatwave pushed temperatures to 40.3 degrees Celsius in Lincolnshire.",
        ),
        ("Highs of 72F on Friday.", "Highs of 72 degrees Fahrenheit on Friday."),
        ("Lows of -5C overnight.", "Lows of minus 5 degrees Celsius overnight."),
        ("The Alfa Romeo 4C is light.", "The Alfa Romeo 4C is light."),
        ("The judge sentenced him to 7½ years in prison.", "The judge sentenced him to 7 and a half years in prison."),
        ("About ¾ of voters backed it.", "About three quarters of voters backed it."),
        ("Add ½ cup of milk.", "Add a half cup of milk."),
        ("About ½ of voters backed it.", "About half of voters backed it."),
        ("Stir in 2 tsp of salt and 1 tbsp of oil.", "Stir in 2 teaspoons of salt and 1 tablespoon of oil."),
        (
            "Texas saw 4-6 in. of rain, with totals near 10 in.",
            "Texas saw 4 to 6 inches of rain, with totals near 10 inches.",
        ),
        ("They let 5 in.", "They let 5 in."),
        ("The 2-bd, 1-ba condo sold.", "The 2-bedroom, 1-bath condo sold."),
        ("It delivers 20 PFLOPS of compute.", "It delivers 20 petaflops of compute."),
        ("The daily intake is 1,000 IU of vitamin D.", "The daily intake is 1,000 international units of vitamin D."),
        ("The pressure dropped 54 mb in a day.", "The pressure dropped 54 millibars in a day."),
        ("He got 0.5 mg/kg/day of prednisone.", "He got 0.5 milligrams per kilogram per day of prednisone."),
        ('The iPad comes in 11" and 13" sizes.', "The iPad comes in 11-inch and 13-inch sizes."),
        ('Expect 1-2" of rain, locally 3".', "Expect 1 to 2 inches of rain, locally 3 inches."),
        ("The 3/2 bungalow sold.", "The 3-bed, 2-bath bungalow sold."),
        ("Mix 3/2 parts.", "Mix 3 over 2 parts."),
        ("The 1,100-sq-ft condo sold.", "The one-thousand-one-hundred-square-foot condo sold."),
        ("It has 1,850 sqft of space.", "It has 1,850 square feet of space."),
        ("Highs range from 68°-75°F.", "Highs range from 68 to 75 degrees Fahrenheit."),
        ("Lows of -5°-0°C are due.", "Lows of minus 5 to 0 degrees Celsius are due."),
        ("The 2BR/2BA unit rents fast.", "The 2-bedroom, 2-bath unit rents fast."),
        ("It has 5 BR, 3 BA.", "It has 5 bedrooms, 3 baths."),
        ("The BR line is late.", "The BR line is late."),
        ("Police found a .45-caliber handgun.", "Police found a 45-caliber handgun."),
        ("He owned a .22 rifle.", "He owned a 22 rifle."),
        ("It lasted 11.2 mo vs 5.6 mo.", "It lasted 11.2 months versus 5.6 months."),
        ("It was 150/95 mm Hg on admission.", "It was 150 over 95 millimetres of mercury on admission."),
        ("He threw for 305 yds and 2 TDs.", "He threw for 305 yards and 2 touchdowns."),
        ("Totals of 8-12 in. are expected.", "Totals of 8 to 12 inches are expected."),
        ("It has 1,150 sq. ft. of space.", "It has 1,150 square feet of space."),
        ("The house has 1,150 sq. ft.", "The house has 1,150 square feet."),
        ("He let 5 in. Then he left.", "He let 5 in. Then he left."),
        (
            "The risk fell (HR 0.80; 95% CI, 0.71 to 0.91).",
            "The risk fell (hazard ratio 0.80; 95 percent confidence interval, 0.71 to 0.91).",
        ),
        ("It was HR=0.76 overall.", "It was hazard ratio of 0.76 overall."),
        (
            "Smokers had an OR of 2.1 (OR 2.1, 95% CrI 1.4-3.0).",
            "Smokers had an OR of 2.1 (odds ratio 2.1, 95 percent credible interval 1.4 to 3.0).",
        ),
        ("Scores rose (SD 1.2).", "Scores rose (standard deviation 1.2)."),
        ("The store is in Portland, OR 97201.", "The store is in Portland, OR 9 7 2 0 1."),
        ("Take SE 82nd to the bridge.", "Take SE 82nd to the bridge."),
        ("A cell is 3 µm wide.", "A cell is 3 micrometres wide."),
        ("Drive at 40 km/h.", "Drive at 40 kilometres per hour."),
        ("Add 2 mL of water.", "Add 2 millilitres of water."),
        ("Give 5 mg/kg daily.", "Give 5 milligrams per kilogram daily."),
        ("Flow was 9 L/min.", "Flow was 9 litres per minute."),
        ("Use 1e-6 M solution.", "Use ten to the minus six molar solution."),
        ("About 6×10²³ atoms.", "About 6 times ten to the twenty-third atoms."),
        ("A 10 km race.", "A ten-kilometre race."),
        ("The probe will travel 1.5 million km.", "The probe will travel 1.5 million kilometres."),
        ("It passes within 0.05 AU of Earth.", "It passes within 0.05 astronomical units of Earth."),
        ("The storm dumped 12 in. of rain.", "The storm dumped 12 inches of rain."),
        ("It rained in the 10 km race.", "It rained in the ten-kilometre race."),
        ("The 5 kg of rice.", "The 5 kilograms of rice."),
        ("Its EV gets 120 mpg.", "Its E V gets 120 miles per gallon."),
        ("It held 3 cells per mL.", "It held 3 cells per millilitre."),
        ("It weighs 150 kDa.", "It weighs 150 kilodaltons."),
        ("Ice shrank to 1.99 million sq km.", "Ice shrank to 1.99 million square kilometres."),
        ("The list fell to 7.54 million, from 7.77m.", "The list fell to 7.54 million, from 7.77 million."),
        ("Apple sold 234.6m iPhones.", "Apple sold 234.6 million iPhones."),
        ("It was 25 degrees F below normal.", "It was 25 degrees Fahrenheit below normal."),
        ("The quake measured M7.5 on the scale.", "The quake measured magnitude 7.5 on the scale."),
        ("The M3 chip is fast.", "The M3 chip is fast."),
        ('It has a 14.2" display.', "It has a 14.2-inch display."),
        ('He said "I waited 5" and left.', 'He said "I waited 5" and left.'),
        ("The ship, 1,300 ft long, sank.", "The ship, 1,300 feet long, sank."),
        ("Labour's lead widened to 20 pts.", "Labour's lead widened to 20 points."),
        ("A 50MP camera.", "A fifty-megapixel camera."),
        ("50 MPs voted.", "50 M P's voted."),
        ("He averaged 34.7 ppg.", "He averaged 34.7 points per game."),
        ("Paid per person.", "Paid per person."),
        ("A 512GB SSD.", "A five-hundred-and-twelve-gigabyte SSD."),
        ("It has 3m users.", "It has 3 million users."),
        ("It costs $9.99/month.", "It costs 9 dollars ninety-nine a month."),
        ("They work 40 hrs/week.", "They work 40 hours per week."),
        ("She ran the 100m in 10 s.", "She ran the 100 metres in 10 s."),
        ("What's 5 km away?", "What's 5 kilometres away?"),
        ("It weighs 4 kg.", "It weighs 4 kilograms."),
        ("It weighs 1 kg.", "It weighs 1 kilogram."),
        ("At 21°C inside.", "At 21 degrees Celsius inside."),
        ("Uses 300 kWh a year.", "Uses 300 kilowatt hours a year."),
        ("Wind at 9 m/s.", "Wind at 9 metres per second."),
        ("A 5-kg bag.", "A five-kilogram bag."),
        ("It covers 40 km².", "It covers 40 square kilometres."),
        ("Levels of 415 ppm.", "Levels of 415 parts per million."),
        ("A 3 GHz chip.", "A three-gigahertz chip."),
        ("It is 10^-3 of that.", "It is ten to the minus three of that."),
    ],
    "symbols": [
        ("The rating dropped to 2.1/5 after the update.", "The rating dropped to 2.1 out of 5 after the update."),
        ("It scored 9/10 and took 1/2 the votes.", "It scored 9 out of 10 and took one half the votes."),
        ("The result held (p = .003).", "The result held (p equals point 0 0 3)."),
        ("It was significant at p<.05.", "It was significant at p less than point 0 5."),
        ("It cut the rate by .5 points.", "It cut the rate by point 5 points."),
        ("C# and .NET are here.", "C sharp and dot net are here."),
        ("Keep it ≥ 5.", "Keep it greater than or equal to 5."),
        ("Use x ≠ y.", "Use x not equal to y."),
        ("If p > 0.05 we stop.", "If p greater than 0.05 we stop."),
        ("It is <5 km away.", "It is less than 5 kilometres away."),
        ("We found p < 0.01.", "We found p less than 0.01."),
        ("It had >300 users.", "It had more than 300 users."),
        ("About ~40 came.", "About about 40 came."),
        ("Then x ≈ 3.", "Then x approximately 3."),
        ("Keep n ≤ 5.", "Keep n less than or equal to 5."),
        ("Learn C# and .NET.", "Learn C sharp and dot net."),
        ("It is in F# too.", "It is in F sharp too."),
        ("Write C++ code.", "Write C plus plus code."),
        ("Press Ctrl+S to save.", "Press control S to save."),
        ("Press ⌘ C to copy.", "Press command C to copy."),
        ("Follow @user for news.", "Follow at user for news."),
        ("Use #climate today.", "Use hashtag climate today."),
        ("Ranked #1 again.", "Ranked number 1 again."),
        ("Salt & pepper.", "Salt and pepper."),
        ("Input → output.", "Input to output."),
        ("Use and/or here.", "Use and or here."),
        ("Press Ctrl+Shift+T now.", "Press control shift T now."),
    ],
    "identifiers": [
        ("The house, at 1428 Elm St., sold in May.", "The house, at 14 28 Elm Street, sold in May."),
        (
            "He lives at 1600 Pennsylvania Ave. in Washington.",
            "He lives at 16 hundred Pennsylvania Avenue in Washington.",
        ),
        ("The office is at 1905 Main Street.", "The office is at 19 oh 5 Main Street."),
        ("It has 1428 rooms on Elm St.", "It has one thousand four hundred and twenty-eight rooms on Elm Street."),
        ("Deutsche Bank (DBKGn.DE) shares rose.", "Deutsche Bank (DBKGn) shares rose."),
        ("Intel's Core i9-14900K runs at 6.0 GHz.", "Intel's Core i9 14 900 K runs at 6.0 gigahertz."),
        ("AMD's Ryzen 9 7950X3D has 16 cores.", "AMD's Ryzen 9 79 50 X 3 D has 16 cores."),
        ("The Core i7-8700 is old.", "The Core i7 87 hundred is old."),
        ("Take the A1-2000 exit.", "Take the A1-2000 exit."),
        ("A 5000K bulb is cold.", "A 5000K bulb is cold."),
        (
            "The restaurant is at 350 5th Ave., New York, NY 10118.",
            "The restaurant is at 350 5th Avenue, New York, NY 1 0 1 1 8.",
        ),
        ("Write to Austin, TX 78701-1234.", "Write to Austin, TX 7 8 7 0 1, 1 2 3 4."),
        ("It was seen in 12345 homes.", "It was seen in 12345 homes."),
        ("Apple (AAPL.O) fell 1.4%.", "Apple (AAPL) fell 1.4 percent."),
        ("Barclays (BARC.L) said profit fell.", "Barclays (BARC) said profit fell."),
        ("Shares of Nvidia (NASDAQ: NVDA) jumped.", "Shares of Nvidia (NASDAQ: NVDA) jumped."),
        ("Arguments begin in Courtroom 1507.", "Arguments begin in Courtroom 15 oh 7."),
        ("Board at Gate 1210 or Room 12.", "Board at Gate 12 10 or Room 12."),
        ("Python 3.13 drops modules deprecated in 3.12.", "Python 3 point 13 drops modules deprecated in 3 point 12."),
        ("Python 3.13 ships in 3.25 months.", "Python 3 point 13 ships in 3.25 months."),
        ("The RTX 4090 draws 450W.", "The RTX 40 90 draws 450 watts."),
        ("The GTX 1080 and RX 7900 compete.", "The GTX 10 80 and RX 79 hundred compete."),
        ("The Snapdragon 8 Gen 3 is fast.", "The Snapdragon 8 Gen 3 is fast."),
        ("Python 3.12 is faster than 3.11 here.", "Python 3 point 12 is faster than 3 point 11 here."),
        ("Python 3.12 and 3.13 differ.", "Python 3 point 12 and 3 point 13 differ."),
        ("Sales were 3.11 million, up from 3.05 million.", "Sales were 3.11 million, up from 3.05 million."),
        ("The case is Smith v. Jones, No. 23-1145.", "The case is Smith versus Jones, number 23, 1145."),
        ("It is ranked No. 1 in the nation.", "It is ranked number 1 in the nation."),
        ("The appeal went to the 9th Cir.", "The appeal went to the 9th Circuit."),
        ("Call 555-0142 now.", "Call 5 5 5, 0 1 4 2 now."),
        ("Call (555) 123-4567 today.", "Call 5 5 5, 1 2 3, 4 5 6 7 today."),
        ("Dial +44 20 7946 0958 now.", "Dial plus 4 4, 2 0, 7 9 4 6, 0 9 5 8 now."),
        ("Install v3.1.4 today.", "Install version 3 point 1 point 4 today."),
        ("Version v3.1 is out.", "Version 3 point 1 is out."),
        ("Update to iOS 17.1.2 now.", "Update to i O S 17 point 1 point 2 now."),
        ("A 3:2 ratio.", "A 3 to 2 ratio."),
        ("Open 24/7.", "Open twenty-four seven."),
        ("It uses HTTP/3.", "It uses H T T P 3."),
        ("He is 5'11\" tall.", "He is 5 feet 11 inches tall."),
        ("Patch CVE-2024-3094 now.", "Patch C V E twenty twenty-four, 3094 now."),
        ("A 16:9 screen.", "A 16 to 9 screen."),
        ("Pages 10-20.", "Pages 10 to 20."),
        ("A 3–1 win.", "A 3 to 1 win."),
        ("The server 192.168.0.1 failed.", "The server 192 dot 168 dot 0 dot 1 failed."),
        ("Python 3.12 is out.", "Python 3 point 12 is out."),
        ("Update to iOS 17.4.1 now.", "Update to i O S 17 point 4 point 1 now."),
        ("Go 2.5 km north.", "Go 2.5 kilometres north."),
        ("The 737 MAX 9 was grounded.", "The seven 37 MAX 9 was grounded."),
        ("A Boeing 787 landed.", "A Boeing seven 87 landed."),
        ("Room 737 is free.", "Room 737 is free."),
        ("The patch KB5034441 failed.", "The patch KB 5 0 3 4 4 4 1 failed."),
        ("Flight MH370 vanished.", "Flight MH370 vanished."),
        ("It affects PAN-OS 10.2 only.", "It affects pan O S 10.2 only."),
        ("The price is 86.12 today.", "The price is 86.12 today."),
    ],
    "scores": [
        ("England were 245-6 at stumps on day 2.", "England were 245 for 6 at stumps on day 2."),
        ("India declared on 450-7.", "India declared on 450 for 7."),
        (
            "Australia won the Test by 5 wickets after a 2-1 series lead.",
            "Australia won the Test by 5 wickets after a 2 to 1 series lead.",
        ),
        ("The Lakers won 110-9 in overtime.", "The Lakers won 110 to 9 in overtime."),
        (
            "Judge is hitting .298/.415/.625 with 41 HRs.",
            "Judge is hitting two ninety-eight, four fifteen, six twenty-five with 41 home runs.",
        ),
        ("Curry hit 8 3s and finished with 42 points.", "Curry hit 8 three-pointers and finished with 42 points."),
        (
            "Scheffler shot a 66 to finish at -14, two ahead of Morikawa.",
            "Scheffler shot a 66 to finish at 14 under, two ahead of Morikawa.",
        ),
        ("McIlroy is +3 after a double bogey on the 17th.", "McIlroy is 3 over after a double bogey on the 17th."),
        ("Temperatures fell to -14 overnight.", "Temperatures fell to minus 14 overnight."),
        ("The par-5 hole played at -0.5 strokes.", "The par-5 hole played at minus 0.5 strokes."),
        ("Kipyegon won the 1500m in 3:49.56.", "Kipyegon won the fifteen hundred metres in 3 minutes 49.56 seconds."),
        ("He ran the 3200m steeplechase.", "He ran the thirty-two hundred metres steeplechase."),
        ("The 5000m final is on Friday.", "The five-thousand-metre final is on Friday."),
        ("The summit is 1,500m high.", "The summit is 1,500 metres high."),
        ("Mbappé scored in the 89th min to make it 3-2.", "Mbappé scored in the 89th minute to make it 3 to 2."),
        ("The Eurostar takes 2h16m to Paris.", "The Eurostar takes 2 hours 16 minutes to Paris."),
        ("It runs 1h 30min.", "It runs 1 hour 30 minutes."),
        ("He had 10 reb, 8 ast and 5 blk.", "He had 10 rebounds, 8 assists and 5 blocks."),
        ("Judge hit his 58th HR of the year.", "Judge hit his 58th home run of the year."),
        ("The U.S. won the 4x100m relay.", "The U.S. won the 4 by 100 metres relay."),
        ("They won on a 20-pt swing.", "They won on a twenty-point swing."),
        ("He threw for 1 TD and ran for 2 TDs.", "He threw for 1 touchdown and ran for 2 touchdowns."),
        ("The TD Garden was loud.", "The TD Garden was loud."),
        ("He is batting .312 on the season.", "He is batting three twelve on the season."),
        ("He hit .300 with 12 homers.", "He hit three hundred with 12 homers."),
        ("She hit .305 in May.", "She hit three oh five in May."),
        ("A .357 Magnum was found.", "A three fifty-seven Magnum was found."),
        ("It rose 0.312 points.", "It rose 0.312 points."),
        ("The Oilers won 4-3 in OT.", "The Oilers won 4 to 3 in overtime."),
        ("They lost in double OT.", "They lost in double overtime."),
        ("A 2OT thriller ended late.", "A double overtime thriller ended late."),
        ("She works in OT at the clinic.", "She works in OT at the clinic."),
        ("He was 0.227s clear of Leclerc.", "He was 0.227 seconds clear of Leclerc."),
        ("Bolt ran 9.58s in Berlin.", "Bolt ran 9.58 seconds in Berlin."),
        ("They had a 12-3-2 record.", "They had a 12, 3 and 2 record."),
        ("She won 7–6(4).", "She won 7 6, 7 4 in the tiebreak."),
        ("He won 6-4, 7-6 (4), 6-2 to advance.", "He won 6 4, 7 6, 7 4 in the tiebreak, 6 2 to advance."),
        ("She won 6-4, 3-6, 7-5.", "She won 6 4, 3 6, 7 5."),
        ("It went 7-6 (10) in the end.", "It went 7 6, 12 10 in the tiebreak in the end."),
        ("A 10-2 record.", "A 10 and 2 record."),
        ("It's a 50-50 call.", "It's a 50 50 call."),
        ("It's 60/40 in our favour.", "It's 60 40 in our favour."),
        ("Honestly, 10/10.", "Honestly, 10 out of 10."),
        ("It is 3/8 inch thick.", "It is 3 over 8 inch thick."),
        ("The Knicks (50-32) face the Pacers.", "The Knicks (50 and 32) face the Pacers."),
        ("Pages (10-20) are missing.", "Pages (10 to 20) are missing."),
        ("Sinner won 3-6, 3-6, 6-4, 6-4, 6-3.", "Sinner won 3 6, 3 6, 6 4, 6 4, 6 3."),
        ("After the 2–2 draw.", "After the 2 2 draw."),
        ("He ran it in 2:01:09, a record.", "He ran it in 2 hours 1 minute 9 seconds, a record."),
        ("She won in 15:30.02.", "She won in 15 minutes 30.02 seconds."),
        ("A time of 0:45:12.", "A time of 45 minutes 12 seconds."),
        ("Ages 6-8, 9-12 and 13-17.", "Ages 6 to 8, 9 to 12 and 13 to 17."),
        ("City won 3-1 on Sunday.", "City won 3 to 1 on Sunday."),
        ("The bill passed 220-207.", "The bill passed 220 to 207."),
        ("The court ruled 6-3.", "The court ruled 6 to 3."),
        ("Call 555-0142 now.", "Call 5 5 5, 0 1 4 2 now."),
        ("It closed by 14:30 GMT.", "It closed by fourteen thirty G M T."),
        ("Scores 6-4, 6-3.5 here.", "Scores 6 to 4, 6 to 3.5 here."),
    ],
    "acronyms": [
        ("OKC won 127-104.", "O K C won 127 to 104."),
        ("He posted a 2.63 ERA.", "He posted a 2.63 E R A."),
        ("Core PCE slowed.", "Core P C E slowed."),
        ("The BOJ raised rates.", "The B O J raised rates."),
        ("HOA fees rose at LAX.", "H O A fees rose at L A X."),
        ("A judge issued a TRO on Friday.", "A judge issued a T R O on Friday."),
        ("The UK and the USA agree.", "The UK and the U S A agree."),
        ("Put it in the ICU.", "Put it in the I C U."),
        ("An IPO is planned.", "An I P O is planned."),
        ("The FBI said so.", "The FBI said so."),
        ("It was OK.", "It was OK."),
        ("The WHO warned.", "The W H O warned."),
        ("The US economy grew.", "The U S economy grew."),
        ("Tell us more.", "Tell us more."),
        ("The IT team fixed it.", "The I T team fixed it."),
        ("NASA and NATO agree.", "NASA and NATO agree."),
        ("Read the FAQ first.", "Read the F A Q first."),
        ("Two CEOs met.", "Two C E O's met."),
        ("The EU and the UN met.", "The E U and the U N met."),
        ("It is on TV.", "It is on T V."),
        ("GDP fell.", "G D P fell."),
        ("WE ARE THE US TEAM", "WE ARE THE US TEAM"),
        ("Who said it?", "Who said it?"),
        ("It is what it is.", "It is what it is."),
        ("Less CO₂ now.", "Less C O 2 now."),
        ("The DNA test.", "The D N A test."),
    ],
    "scripts": [
        ("Beijing (北京) is big.", "Beijing is big."),
        ("北京 (Beijing) is big.", "Beijing is big."),
        ("Tokyo (東京) is big.", "Tokyo is big."),
        ("Nguyễn Thị spoke.", "Nguyen Thi spoke."),
        ("Привет means hello.", "Privet means hello."),
        ("The α-helix folds.", "The alpha-helix folds."),
        ("β blockers help.", "beta blockers help."),
        ("Łódź is in Poland.", "Lódz is in Poland."),
        ("A café in Zürich.", "A café in Zürich."),
        ("Party 🎉 time.", "Party time."),
        ("The word σοφία means wisdom.", "The word sofia means wisdom."),
        ("Seoul (서울) grew.", "Seoul grew."),
        ("Cairo (القاهرة) is old.", "Cairo is old."),
        ("Kyiv (Київ) stood.", "Kyiv stood."),
        ("Naïve art.", "Naïve art."),
        ("Yerevan (Երևան) is old.", "Yerevan is old."),
        ("The word ሰላም means peace.", "The word selam means peace."),
        ("He said مرحبا to me.", "He said mrhb to me."),
        ("Tbilisi (თბილისი) is old.", "Tbilisi is old."),
    ],
    "structure": [
        ("Updated 1 hour ago", ""),
        ("Posted 5 minutes ago. It rained.", "It rained."),
        ("Rates fell · 3 min read", "Rates fell"),
        ("He was updated 2 hours ago by email.", "He was updated 2 hours ago by email."),
        ("Inflation eased · 5 min read", "Inflation eased"),
        ("Updated 2 hours ago. Markets rose.", "Markets rose."),
        ("Markets rose. Updated 3 days ago", "Markets rose."),
        ("A 5 minute read is short.", "A 5 minute read is short."),
    ],
    "punctuation": [
        ("It costs $5, or $6.", "It costs 5 dollars, or 6 dollars."),
        ("Learn C# and .NET today.", "Learn C sharp and dot net today."),
        ("Wait… what?", "Wait... what?"),
        ("Rain – then sun.", "Rain, then sun."),
        ("AI—which is everywhere—grows.", "AI, which is everywhere, grows."),
        ("He said “yes” and ‘no’.", "He said \"yes\" and 'no'."),
        ("A note here .", "A note here."),
        ("It rose 5% , then fell.", "It rose 5 percent, then fell."),
        ("Salt , pepper.", "Salt, pepper."),
        ("Use .NET, or Java.", "Use dot net, or Java."),
        ("Go to example.org/news today.", "Go to example.org/news today."),
        ("See https://example.org.", "See example dot org."),
        ("Mail hello@example.org today.", "Mail hello at example dot org today."),
        ("It is $1,000, or so.", "It is 1,000 dollars, or so."),
        ("Say 1,000, then 2,000.", "Say 1,000, then 2,000."),
    ],
}

CASES["locale"] = []  # filled by LOCALE_CASES below (they need a language)
LOCALE_CASES = [
    ("en-US", "Signed 4/9/2025.", "Signed April ninth, twenty twenty-five."),
    ("en-GB", "Signed 4/9/2025.", "Signed the fourth of September twenty twenty-five."),
    ("en", "Signed 4/9/2025.", "Signed April ninth, twenty twenty-five."),
    ("en-GB", "Signed 25/12/2024.", "Signed the twenty-fifth of December twenty twenty-four."),
    ("en-US", "Signed 25/12/2024.", "Signed the twenty-fifth of December twenty twenty-four."),
    ("en-US", "Signed 12/25/2024.", "Signed December twenty-fifth, twenty twenty-four."),
    ("en-GB", "Signed 12/25/2024.", "Signed December twenty-fifth, twenty twenty-four."),
    ("en-US", "Signed 09.04.2025.", "Signed the ninth of April twenty twenty-five."),
    ("en-AU", "Signed 1/2/24.", "Signed the first of February twenty twenty-four."),
    ("en-US", "Signed 1/2/24.", "Signed January second, twenty twenty-four."),
    ("en-GB", "Published March 7.", "Published March seventh."),
    ("en-GB", "Published 7 March.", "Published the seventh of March."),
    ("en-US", "Version 1.2.25 is out.", "Version 1 point 2 point 25 is out."),
    ("en-GB", "A 6-4 win.", "A 6 to 4 win."),
    ("en-US", "She won 6-4, 6-3.", "She won 6 4, 6 3."),
]

TABLE = [(category, written, said) for category, cases in CASES.items() for written, said in cases]


def narrated(text: str, language: str = "en", lexicon: dict | None = None) -> str:
    article = Article(
        source=Path("case.md"),
        kind="markdown",
        title="Case",
        intro=(Block("paragraph", text),),
        language=language,
        lexicon=lexicon_from_mapping(lexicon or {}, "case"),
    )
    body = build_script(article).chapters[0].utterances[1:]
    return " ".join(u.text for u in body)


@pytest.mark.parametrize(("category", "written", "said"), TABLE, ids=[f"{c}: {w}" for c, w, _ in TABLE])
def test_narrator_reading(category, written, said):
    assert narrated(written) == said


@pytest.mark.parametrize(("language", "written", "said"), LOCALE_CASES)
def test_numeric_dates_follow_the_locale(language, written, said):
    assert narrated(written, language) == said


def test_every_category_has_fifteen_cases():
    counts = {c: len(v) for c, v in CASES.items() if c not in ("locale", "structure")}
    assert len(TABLE) + len(LOCALE_CASES) >= 250 and min(counts.values()) >= 15, counts


@pytest.mark.parametrize(
    ("lexicon", "written", "said"),
    [
        (
            {"case_sensitive": {"WHO": "the World Health Organization"}},
            "WHO warned.",
            "the World Health Organization warned.",
        ),
        ({"case_sensitive": {"Gov.": "Governor General"}}, "Gov. Smith spoke.", "Governor General Smith spoke."),
        ({"words": {"km": "klicks"}}, "It is 5 km away.", "It is 5 klicks away."),
        ({"case_sensitive": {"US": "America's"}}, "The US economy grew.", "The America's economy grew."),
        ({"words": {"Louis": "Lewis"}}, "Louis XIV built it.", "Lewis XIV built it."),
        ({"case_sensitive": {"NATO": "N A T O"}}, "NATO met.", "N A T O met."),
        ({"case_sensitive": {"BoE": "Bank of England"}}, "The BoE held.", "The Bank of England held."),
        ({"case_sensitive": {"Q3": "Q three"}}, "Apple reported Q3 revenue.", "Apple reported Q three revenue."),
        (
            {"case_sensitive": {"D-N.Y.": "of New York"}},
            "Sen. Chuck Schumer, D-N.Y., spoke.",
            "Senator Chuck Schumer, of New York, spoke.",
        ),
        ({"words": {"mpg": "M P G"}}, "It gets 120 mpg.", "It gets 120 M P G."),
        ({"words": {"Nguyen": "Win"}}, "Dr. Nguyen met Gov. Nguyen.", "Doctor Win met Governor Win."),
        ({"words": {"Nguyen": "Win"}}, "Capt Nguyen left Nguyen St.", "Captain Win left Win Street."),
    ],
)
def test_the_lexicon_wins_over_the_data_files(lexicon, written, said):
    assert narrated(written, lexicon=lexicon) == said


def test_the_splitter_does_not_break_after_titles():
    from audiobook.normalize import split_sentences

    text = "Gov. Newsom met Lt. Col. Vindman and Sgt. Pepper. Then Rep. Smith left."
    assert split_sentences(text) == ["Gov. Newsom met Lt. Col. Vindman and Sgt. Pepper.", "Then Rep. Smith left."]
    text = "U.N. Secretary-General Guterres spoke. It ran Nov. 27-Dec. 1 in Las Vegas. It cost Rs. 500. Fine."
    assert split_sentences(text) == [
        "U.N. Secretary-General Guterres spoke.",
        "It ran Nov. 27-Dec. 1 in Las Vegas.",
        "It cost Rs. 500.",
        "Fine.",
    ]


def test_the_splitter_ends_a_sentence_at_a_month_abbreviation_before_a_word():
    from audiobook.normalize import split_sentences

    text = "Production resumed in Nov. The plant employs 1,200 workers. It was Nov. 5. Then it ended."
    assert split_sentences(text) == [
        "Production resumed in Nov.",
        "The plant employs 1,200 workers.",
        "It was Nov. 5.",
        "Then it ended.",
    ]
    # a day, another date word or a comma keeps the abbreviation inside the sentence
    text = "It ran Tue. Jan. 7 to Sept. 2023 and on Dec. 31, Sen. Smith left."
    assert split_sentences(text) == [text]
    # an abbreviation only before a number ("Cat. 5") is a word before anything else
    text = "It reached Cat. 5 by then. I fed the cat. Then it slept."
    assert split_sentences(text) == ["It reached Cat. 5 by then.", "I fed the cat.", "Then it slept."]


def test_an_answer_follows_its_question_and_a_lettered_list_stays_lettered():
    """An interview's "A:" is "Answer:" only shortly after a "Q:" line (each line its own
    paragraph, as a transcript is written); a legend's "A: …" items are letters, not answers."""
    lines = ("Q: When did you start?", "A: In 2009, right after college.", "A: Apples grow on the slope.")
    interview = Article(
        source=Path("case.md"),
        kind="markdown",
        title="Case",
        intro=tuple(Block("paragraph", line) for line in lines[:2]),
    )
    said = [u.text for u in build_script(interview).chapters[0].utterances[1:]]
    assert said == ["Question: When did you start?", "Answer: In two thousand nine, right after college."]
    legend = Article(
        source=Path("case.md"),
        kind="markdown",
        title="Case",
        intro=(Block("paragraph", "The map has two zones."), Block("list", items=(lines[2], "B: Pears by the river"))),
    )
    said = [u.text for u in build_script(legend).chapters[0].utterances[1:]]
    assert said[1:] == ["A: Apples grow on the slope.", "B: Pears by the river."]


def test_a_list_item_ending_in_and_gets_no_stray_period():
    article = Article(
        source=Path("case.md"),
        kind="markdown",
        title="Case",
        intro=(Block("list", items=("Run back to back; and", "rest after")),),
    )
    lines = [u.text for u in build_script(article).chapters[0].utterances[1:]]
    assert lines == ["Run back to back; and", "rest after."]


# An English article quoting other scripts, as a reader would paste it.
QUOTING_OTHER_SCRIPTS = [
    "The mayor of 北京 met envoys from القاهرة on Tuesday.",
    "Signs in Երևան and ኢትዮጵያ were translated.",
    "She said مرحبا بكم and then 你好 to the crowd.",
    "Nguyễn Thị Minh Khai street is in 서울 too, he joked.",
    "Тбилиси, თბილისი and ভারত were on the list.",
    "A plain sentence about night trains closes it.",
]


@pytest.mark.parametrize("sentence", QUOTING_OTHER_SCRIPTS)
def test_other_scripts_reach_the_engine_in_latin_letters_only(sentence):
    # espeak spells an unknown script as letter names ("Chinese letter") or switches to that
    # language's stock voice, whose state runs on across sentences: neither may happen.
    spoken = narrated(sentence)
    for ch in spoken:
        assert not ch.isalpha() or unicodedata.name(ch).startswith("LATIN"), (ch, spoken)
    assert "letter" not in spoken.lower()


_SPEAK_IN_ORDER = """
import hashlib, json, sys
from audiobook.normalize import spoken_form
from audiobook.settings import Settings
from audiobook.speech.engine import open_engine
sentences, order = json.loads(sys.argv[1]), json.loads(sys.argv[2])
engine = open_engine(Settings())
digests = {i: hashlib.sha256(engine.synthesize(spoken_form(sentences[i], "en")).pcm).hexdigest() for i in order}
print(json.dumps([digests[i] for i in range(len(sentences))]))
"""


def test_an_article_quoting_other_scripts_sounds_the_same_in_any_order_and_process():
    """Two cold processes speak the article's sentences in opposite orders (real espeak): every
    sentence's audio is byte-identical, whatever the engine spoke before it."""
    root = Path(__file__).resolve().parents[1]
    runs = []
    forward = list(range(len(QUOTING_OTHER_SCRIPTS)))
    for order in (forward, forward[::-1], [2, 0, 2, 4, 1, 5, 3, 2]):
        done = subprocess.run(
            [sys.executable, "-c", _SPEAK_IN_ORDER, json.dumps(QUOTING_OTHER_SCRIPTS), json.dumps(order)],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=root,
            env={**os.environ, "PYTHONPATH": str(root)},
        )
        assert done.returncode == 0, done.stderr
        runs.append(json.loads(done.stdout.splitlines()[-1]))
    assert runs[0] == runs[1] == runs[2]
