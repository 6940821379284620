/**
 * The English side of the procedural language: every word the grammar uses, with its gloss and the facts the
 * grammar needs (inflections, noun classes, verb object classes). Each entry becomes one lexical sign.
 */

export type NounClass = 'person' | 'food' | 'drink' | 'thing' | 'animal' | 'readable' | 'show' | 'place';

export interface NounWord {
  word: string; gloss: string; cls: NounClass;
  /** false: no possessive determiner ("my man" is not meant). */
  possessable?: boolean;
}
export interface VerbWord {
  base: string; past: string; gloss: string;
  /** Object classes a transitive verb takes; empty for intransitive verbs. */
  objects: readonly NounClass[];
}
/** An adjective and the noun classes it goes with. */
export interface AdjWord { word: string; gloss: string; of: readonly NounClass[] }
export interface TimeWord { words: string; gloss: string; tense: 'past' | 'present' | 'future' }

const g = (w: string) => w.toUpperCase().replace(/ /g, '-');

function nouns(cls: NounClass, list: string): NounWord[] {
  return list.split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
    const [word, gloss] = s.split('=');
    return { word, gloss: gloss ?? g(word), cls };
  });
}

export const PEOPLE = nouns('person', 'mother,father,sister,brother,friend,teacher,student,doctor,nurse,boy,girl,man,woman,'
  + 'child,baby,grandmother,grandfather,aunt,uncle,cousin,neighbor,boss,police officer=POLICE,farmer,chef,artist,lawyer,'
  + 'driver,son,daughter,husband,wife,dentist,pilot').map((n) =>
  (['man', 'woman', 'boy', 'girl'].includes(n.word) ? { ...n, possessable: false } : n));

export const OBJECTS: NounWord[] = [
  ...nouns('food', 'apple,bread,cake,pizza,soup,egg,rice,fish,orange,banana,cheese,chocolate,cookie,sandwich,salad,candy,'
    + 'potato,tomato,carrot,meat,chicken'),
  ...nouns('drink', 'coffee,tea,water,milk,juice,beer,wine'),
  ...nouns('thing', 'car,house,phone,computer,camera,bicycle,key,ticket,bag,shirt,shoe,hat,coat,money,table,chair,bed,'
    + 'door,window,picture,ball,gift,flower,tree,umbrella,clock,glasses,lamp,cup,plate,knife,pencil,paper,card,toy,box,'
    + 'boat,dress,sock,glove,ring,necklace,guitar,piano,drum,radio,map,candle,blanket,pillow'),
  ...nouns('animal', 'dog,cat,horse,bird,cow,pig,rabbit'),
  ...nouns('readable', 'book,letter,newspaper'),
  ...nouns('show', 'movie,song,game,television=TV'),
];

export const PLACES = nouns('place', 'school,store,park,hospital,church,library,restaurant,office,bank,beach,museum,'
  + 'airport,university,farm,zoo,hotel,city,gym,kitchen,theater,market,station,garden,bakery,pharmacy,post office');

const SOLID: NounClass[] = ['food', 'thing'];
const ALL_THINGS: NounClass[] = ['food', 'drink', 'thing', 'readable', 'animal'];

function verbs(objects: readonly NounClass[], list: string): VerbWord[] {
  return list.split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
    const [base, past] = s.split('/');
    return { base, past: past ?? (base.endsWith('e') ? base + 'd' : base + 'ed'), gloss: g(base), objects };
  });
}

export const TRANSITIVE: VerbWord[] = [
  ...verbs(ALL_THINGS, 'like,want,need,buy/bought,see/saw,find/found,lose/lost,bring/brought,take/took,have/had,'
    + 'keep/kept,choose/chose,hold/held'),
  ...verbs(['food', 'drink'], 'order'),
  ...verbs(['food'], 'eat/ate,cook'),
  ...verbs(['drink'], 'drink/drank'),
  ...verbs(SOLID, 'make/made,sell/sold,fix,clean,open,close,send/sent,carry/carried,borrow,wash,paint,break/broke,'
    + 'build/built,throw/threw,use,check,draw/drew,catch/caught'),
  ...verbs(['person'], 'pay/paid,help,know/knew,love,teach/taught,visit,call,meet/met,hate,ask,thank,kiss,hug,follow,invite,'
    + 'understand/understood,remember,forget/forgot'),
  ...verbs(['animal', 'person'], 'feed/fed'),
  ...verbs(['readable'], 'read/read,write/wrote'),
  ...verbs(['show'], 'watch,enjoy'),
];

export const INTRANSITIVE: VerbWord[] = verbs([], 'work,sleep/slept,run/ran,walk,swim/swam,dance,laugh,cry/cried,'
  + 'sing/sang,play,study/studied,wait,arrive,leave/left,relax,travel/traveled,sit/sat,stand/stood,rest,win/won,'
  + 'fall/fell,smile,jump,exercise,pray,shout');

/** Verbs of motion that take a place ("go to the park"). */
export const MOTION: VerbWord[] = [
  { base: 'go', past: 'went', gloss: 'GO', objects: ['place'] },
  { base: 'come', past: 'came', gloss: 'COME', objects: ['place'] },
];

const ADJ_CLASSES: Record<string, readonly NounClass[]> = {
  person: ['person'],
  thing: ['thing'],
  food: ['food'],
  drink: ['drink'],
  animal: ['animal'],
  media: ['readable', 'show'],
};

/** `word:class+class,...` (classes from ADJ_CLASSES). */
function adjs(list: string): AdjWord[] {
  return list.split(',').map((item) => {
    const [word, classes] = item.trim().split(':');
    return { word, gloss: g(word), of: classes.split('+').flatMap((c) => ADJ_CLASSES[c]) };
  });
}

export const ADJECTIVES: AdjWord[] = adjs(
  'happy:person,sad:person,tired:person,sick:person+animal,angry:person,hungry:person+animal,thirsty:person+animal,'
  + 'busy:person,ready:person,late:person,early:person,rich:person,poor:person,young:person+animal,tall:person,'
  + 'beautiful:person+thing+animal,strong:person+animal,weak:person+animal,funny:person+animal+media,smart:person+animal,'
  + 'nervous:person,bored:person,excited:person,famous:person+media,quiet:person+animal,'
  + 'new:thing+media,big:thing+food+animal,small:thing+food+animal,cheap:thing+food+drink+media,'
  + 'expensive:thing+food+drink+media,dirty:thing+animal,red:thing+food,blue:thing,green:thing+food,black:thing+animal,'
  + 'white:thing+animal,yellow:thing+food,hot:food+drink,cold:food+drink,broken:thing,heavy:thing,'
  + 'old:person+thing+animal+media,good:person+food+drink+media,bad:person+food+drink+media,clean:thing+animal,'
  + 'short:person+media,slow:person+animal,fast:person+animal',
);

export const TIMES: TimeWord[] = [
  { words: 'yesterday', gloss: 'YESTERDAY', tense: 'past' },
  { words: 'last week', gloss: 'LAST-WEEK', tense: 'past' },
  { words: 'last year', gloss: 'LAST-YEAR', tense: 'past' },
  { words: 'last night', gloss: 'LAST-NIGHT', tense: 'past' },
  { words: 'this morning', gloss: 'THIS-MORNING', tense: 'past' },
  { words: 'tomorrow', gloss: 'TOMORROW', tense: 'future' },
  { words: 'next week', gloss: 'NEXT-WEEK', tense: 'future' },
  { words: 'next year', gloss: 'NEXT-YEAR', tense: 'future' },
  { words: 'tonight', gloss: 'TONIGHT', tense: 'future' },
  { words: 'every day', gloss: 'EVERY-DAY', tense: 'present' },
  { words: 'now', gloss: 'NOW', tense: 'present' },
  { words: 'today', gloss: 'TODAY', tense: 'present' },
];

export type Person = 'I' | 'you' | 'he' | 'she' | 'we' | 'they';
export const PRONOUNS: readonly { word: Person; gloss: string; poss: string; possGloss: string }[] = [
  { word: 'I', gloss: 'ME', poss: 'my', possGloss: 'MY' },
  { word: 'you', gloss: 'YOU', poss: 'your', possGloss: 'YOUR' },
  { word: 'he', gloss: 'HE', poss: 'his', possGloss: 'HIS' },
  { word: 'she', gloss: 'SHE', poss: 'her', possGloss: 'HER' },
  { word: 'we', gloss: 'WE', poss: 'our', possGloss: 'OUR' },
  { word: 'they', gloss: 'THEY', poss: 'their', possGloss: 'THEIR' },
];

export type WhWord = 'what' | 'who' | 'where' | 'when' | 'why';
export const WH_WORDS: readonly WhWord[] = ['what', 'who', 'where', 'when', 'why'];

/** Names are fingerspelled (gloss `fs-NAME`); together they use every letter. */
export const NAMES: readonly string[] = [
  'Anna', 'Tom', 'Maria', 'John', 'Lisa', 'Paul', 'Emma', 'David', 'Sara', 'Mike', 'Lucy', 'Peter', 'Kate', 'Sam',
  'Julia', 'Max', 'Nina', 'Ben', 'Zoe', 'Jack', 'Olga', 'Yuki', 'Raj', 'Leo', 'Ivy', 'Kim', 'Omar', 'Eva', 'Hugo',
  'Quinn', 'Xena', 'Wendy', 'Fred', 'Gina', 'Victor',
];

/** Every gloss that is a lexical sign (names are fingerspelled and not in this list). */
export function lexicalGlosses(): string[] {
  const out = new Set<string>();
  for (const p of PRONOUNS) { out.add(p.gloss); out.add(p.possGloss); }
  for (const n of [...PEOPLE, ...OBJECTS, ...PLACES]) out.add(n.gloss);
  for (const v of [...TRANSITIVE, ...INTRANSITIVE, ...MOTION]) out.add(v.gloss);
  for (const a of ADJECTIVES) out.add(a.gloss);
  for (const t of TIMES) out.add(t.gloss);
  for (const w of WH_WORDS) out.add(w.toUpperCase());
  out.add('NOT');
  return [...out];
}
