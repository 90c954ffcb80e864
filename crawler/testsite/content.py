"""Generated e-paper content: our own stories of a fictional prefecture-level daily (河东日报, 河东市).

Every text below is original writing for the fixture server, in the style of a Chinese regional daily:
kickers ending in ——, subtitles starting with ——, bylines as their own paragraph, datelines, crossheads,
photo captions with credits, brief news, an editor credit, continued stories (下转/上接). The people,
places and companies are invented.

`make_edition` builds a SiteEdition from this pool deterministically from (spec.key, date, seed): the
same arguments give the same edition in every run and every process, and building one costs well under a
millisecond, so the benchmark site can build 365 editions on demand.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import random
from dataclasses import dataclass

from crawler.testsite.model import SiteArticle, SiteEdition, SiteImage, SitePage, SiteSpec

# --------------------------------------------------------------------------- the pool (our own writing)
# Format: "@@ slug kind" opens a story; "key: value" header lines up to "---"; then one paragraph per line,
# as printed. A line "## A / B" is a two-phrase crosshead; "image:" headers are photos with their captions.

_POOL = """
@@ renovation lead
kicker: 我市加快推进城镇老旧小区改造——
title: 老楼“焕新”　日子“升级”
short: 老楼“焕新”　日子“升级”
subtitle: ——写在全市老旧小区改造三年行动收官之际
image: ▲改造后的北塬区幸福里小区，楼道明亮整洁，居民在新建的口袋公园里休憩。记者 张晓峰 摄
---
本报记者 张晓峰 实习生 李若彤
清晨六点，北塬区幸福里小区的健身广场上已经热闹起来。72岁的退休教师钱玉兰一边压腿，一边和老邻居们说笑：“以前这儿是堆杂物的空地，下雨一地泥，现在成了咱们的‘后花园’。”去年以来，我市把老旧小区改造作为最直接的民生工程，全市累计完成改造小区186个，惠及居民4.3万户。
## 问需于民 / 改出群众满意度
改什么、怎么改，由居民说了算。在幸福里小区，社区干部挨家挨户发放征求意见表，把居民最关心的加装电梯、管网更新、停车难等问题列成清单，再请设计单位“对单施工”。
“方案前后改了五稿，每一稿都贴在楼道口让大家提意见。”幸福里社区党支部书记周建平说，居民参与的积极性很高，有的老人还专门画了草图送到社区。最终，小区新增停车位120个，更换老化管网3.2公里，加装电梯8部。
## 建管并重 / 守住改造好成果
“改造只是第一步，长效管理才是关键。”市住房和城乡建设局相关负责人介绍，我市在改造完成的小区推行“红色物业”模式，由社区党组织牵头，引入专业物业公司，同时组建居民自治小组，让小区“改得好”更“管得好”。
在北塬区东关街道，17个改造后的小区实现了物业服务全覆盖。居民李国栋算了一笔账：“物业费每平方米每月五毛钱，换来的是干净的楼道、亮堂的路灯和随叫随到的维修，值！”
今年，我市计划再启动改造老旧小区62个，重点推进加装电梯、适老化改造和充电设施建设，让更多居民在家门口感受到城市更新带来的变化。
@@ committee news
title: 市委常委会召开会议
subtitle: ——研究部署近期重点工作
---
本报讯(记者 孙立群)4月24日，市委常委会召开会议，传达学习全省有关会议精神，研究部署我市近期重点工作。市委书记刘振华主持会议。
会议指出，今年以来，全市上下坚持稳中求进工作总基调，经济运行开局良好，主要指标好于预期。各级各部门要保持定力、乘势而上，紧盯全年目标任务，确保二季度实现“双过半”。
会议强调，要扎实抓好项目建设，围绕新能源、新材料、现代农业等重点产业，加快推进一批牵引性强的重大项目落地见效；要持续优化营商环境，在审批提速、要素保障上再出实招。
会议还研究了其他事项。
@@ spring-planting news
title: 全市春播进度过六成
image: ▲青禾县柳林镇的农民驾驶播种机在田间作业。通讯员 杜建华 摄
---
本报讯 （记者 马文静 通讯员 杜建华）眼下正值春播关键时节，记者从市农业农村局获悉，截至4月23日，全市已完成春播面积98.6万亩，占计划的63%，进度快于去年同期。
今年，我市提前调运玉米、谷子等良种1.2万吨，组织农机具4.8万台（套）投入春耕生产，并抽调210名农技人员组成36个服务小分队，深入田间地头开展技术指导。
在青禾县柳林镇，种粮大户韩志强的300亩玉米已经全部下种。“今年用上了北斗导航播种机，行距准、出苗齐，一天能种80多亩。”他说。
市农业农村局提醒，近期气温回升较快，广大农户要抢抓墒情适时播种，同时注意防范倒春寒等不利天气。
@@ flood-control xinhua
title: 国家防总部署今年汛期防汛抗旱工作
---
新华社北京4月25日电（记者 高明远 宋佳宁）记者25日从国家防汛抗旱总指挥部获悉，今年汛期我国气候年景总体偏差，极端天气事件偏多，防汛抗旱形势复杂严峻。
国家防总要求，各地要立足防大汛、抗大旱、抢大险、救大灾，压紧压实以行政首长负责制为核心的防汛抗旱责任制，抓紧排查整治各类风险隐患，确保人员转移避险“最后一公里”责任落实到位。
据介绍，国家防总已向重点地区预置抢险救援队伍和物资，并将根据雨情水情及时启动应急响应。
@@ pepper feature
kicker: 黄河滩地种出“致富椒”——
title: 一颗花椒的“香辣”蝶变
short: 一颗花椒的“香辣”蝶变
image: ▲青禾县椒农在花椒园里修剪枝条。
image: ▲河东椒业合作社的工人在分拣花椒。记者 王海燕 摄
---
本报记者 王海燕 文/图
四月的黄河滩，花椒树抽出了嫩绿的新芽。在青禾县南滩村，椒农赵福生正忙着给椒树修枝，“再过三个月就能摘椒了，去年一亩地收入四千多元，今年估计还能多些。”
南滩村地处黄河滩涂，过去土地贫瘠，种小麦常常“看天吃饭”。十年前，村里试种花椒，没想到这种耐旱的作物在滩地上长得格外好。如今，全村花椒种植面积达到3200亩，成了远近闻名的“花椒村”。
## 从种得好 / 到卖得俏
种得多了，怎么卖成了新难题。2021年，村里牵头成立河东椒业合作社，统一品种、统一标准、统一收购，还建起了烘干线和冷库。
“以前椒贩子上门收，价格压得低；现在合作社统一对接加工企业和电商平台，每斤能多卖三四块钱。”合作社理事长孙德明说。去年，合作社销售花椒46万斤，带动周边农户户均增收8000余元。
## 从卖原料 / 到做产品
在合作社的加工车间，花椒油、花椒芽菜、花椒调味包等十余种产品正在装箱。“一斤干花椒卖三十来块，做成花椒油能翻一番。”孙德明说，合作社今年计划再上一条花椒精油生产线。
从一棵树到一条产业链，小小花椒正在黄河滩上写下乡村振兴的“香辣”故事。
@@ craftsman feature
kicker: 打造劳务品牌　带动技能就业——
title: “河东师傅”叫响全国
short: “河东师傅”叫响全国
subtitle: ——我市技能人才培育工作综述
---
本报记者 刘思远 通讯员 蔡文博
从建筑工地上的钢筋工，到新能源车间里的焊接技师，从家政服务员到养老护理员……近年来，越来越多的河东人凭着一技之长走南闯北，“河东师傅”这块牌子越擦越亮。
数据显示，我市目前累计培育“河东师傅”技能人才12.6万人，其中取得职业技能等级证书的7.8万人，全市劳务输出人员年收入超过60亿元。
## 培训跟着需求走
“企业缺什么，我们就培训什么。”市人力资源和社会保障局职业能力建设科负责人介绍，我市建立了“企业点单、政府买单、机构接单”的订单式培训模式，去年共开展各类职业技能培训3.1万人次。
家住盐池区的范红梅就是受益者之一。两年前，她参加了市里组织的养老护理员培训，如今在省城一家养老机构工作，月收入六千多元。“学了技术心里就有底，走到哪儿都不怕。”她说。
## 服务跟着人走
为让外出务工人员安心，我市在北京、天津、西安等地设立了8个劳务工作站，提供岗位对接、权益维护等服务，打通技能人才就业的“最后一公里”。
@@ bus-driver news
kicker: 暖心！
title: 公交司机停车救助突发疾病老人
---
本报讯(记者 孟凡舒)“要不是这位司机师傅，我家老爷子可就危险了。”4月23日，市民冯先生专程来到市公交集团，为12路公交车驾驶员杨立伟送上一面锦旗。
4月21日上午，杨立伟驾驶的12路公交车行至人民路站附近时，一名老年乘客突然晕倒在座位上。杨立伟立即靠边停车、打开双闪，一边安抚车内乘客，一边拨打120急救电话，并在医护人员到来前，按照急救培训所学守在老人身边观察情况。
急救车到达后，杨立伟又协助医护人员将老人抬上担架。经医院诊断，老人系突发低血糖，因救治及时已无大碍。
“这是每个公交人都会做的事。”面对感谢，杨立伟憨厚地说。据了解，市公交集团每年组织驾驶员开展急救技能培训，目前已有680余名驾驶员取得急救员证书。
@@ night-market feature
kicker: 点亮夜经济　激发新活力——
title: 北塬区夜市“烟火气”里的“新滋味”
short: 北塬夜市的“新滋味”
---
本报记者 郑雅文 实习生 陶一鸣
夜幕降临，北塬区鼓楼夜市华灯初上。烤面筋的香味、蒸凉皮的热气、文创摊位前的吆喝声交织在一起，游客和市民摩肩接踵，一派热闹景象。
“周末一晚上能卖两千多串，比在商场里开店强多了。”摊主许晓东在夜市经营烧烤已有三年。他告诉记者，夜市统一配备了水电和油烟净化设备，摊位费每月只收三百元，“成本低，客流稳，心里踏实”。
▲夜幕下的鼓楼夜市人头攒动。(资料图片)
据了解，鼓楼夜市现有摊位260个，其中餐饮类占六成，文创、手工艺品和非遗展示类摊位占四成。今年以来，夜市日均客流量达到2.3万人次，带动周边就业800余人。
## 管理有温度 / 市场有秩序
热闹背后，离不开精细化管理。北塬区组建了由城管、市场监管、公安等部门组成的夜市联合服务队，每晚在夜市巡查，及时处理占道经营、食品安全等问题。
“我们坚持疏堵结合，划定经营区域、规定经营时间，既保留烟火气，又不扰民。”北塬区城市管理局相关负责人说。下一步，北塬区将在夜市增设非遗演出和音乐市集，打造集美食、文化、休闲于一体的城市夜生活地标。
@@ industry news
title: 一季度全市规上工业增加值增长7.2%
---
本报讯(记者 孙立群)记者从市统计局获悉，今年一季度，全市规模以上工业增加值同比增长7.2%，增速高于全省平均水平1.4个百分点。
分行业看，新能源、新材料等战略性新兴产业增长较快，增加值同比增长15.8%；装备制造业增长9.6%；传统的煤炭、焦化行业保持平稳。
市统计局有关负责人分析，一季度我市工业经济呈现“稳中有进、结构向好”的特点，一批新投产项目逐步释放产能，为全年工业经济平稳运行打下良好基础。
@@ aluminium news
kicker: 项目建设跑出“加速度”
title: 恒远铝业新生产线投产
image: ▲恒远铝业新投产的生产线上，机械臂正在作业。记者 刘思远 摄
---
本报讯(记者 刘思远)4月22日，位于河东经济技术开发区的恒远铝业年产20万吨高端铝型材生产线正式投产，这是今年我市投产的首个十亿元以上工业项目。
该项目总投资12.5亿元，从开工到投产仅用了11个月。生产线采用智能化挤压和表面处理工艺，产品主要供应新能源汽车和光伏行业，全部达产后预计年产值可达40亿元。
“从土地摘牌到施工许可，开发区帮我们全程代办，节省了至少三个月。”恒远铝业总经理陈永刚说。
@@ school-traffic news
title: 交警走进校园开展安全宣传
---
本报讯（记者 孟凡舒 通讯员 韩晓东）为增强中小学生交通安全意识，4月24日，市公安局交警支队民警走进市实验小学，为师生们上了一堂生动的交通安全课。
民警结合真实案例，通过视频讲解、互动问答等形式，向学生们讲解了“一盔一带”、安全过马路、不在道路上玩耍等交通安全知识，并现场演示了正确佩戴头盔的方法。
“以后骑电动车我一定提醒妈妈戴头盔。”四年级学生秦雨萱说。据了解，今年以来，交警支队已开展“交通安全进校园”活动46场，覆盖师生3.5万余人。
@@ papercut feature
kicker: 非遗传承人郭桂芬——
title: 一把剪刀剪出“指尖上的年味”
short: 一把剪刀剪出“指尖上的年味”
image: ▲郭桂芬在工作室里创作剪纸作品。记者 吴静怡 摄
---
本报记者 吴静怡 文/图
一张红纸，一把剪刀，不到十分钟，一幅栩栩如生的“喜鹊登梅”就出现在郭桂芬手中。今年61岁的郭桂芬是市级非物质文化遗产“河东剪纸”代表性传承人，从七岁跟着外婆学剪纸算起，她已经与剪刀红纸相伴了半个多世纪。
“过去逢年过节、娶亲嫁女，家家户户都要贴窗花，剪纸就是老百姓的日子。”郭桂芬说。她的作品题材大多来自农家生活，推磨、喂鸡、闹社火，一个个场景在她的剪刀下活灵活现。
## 让老手艺 / 走进新课堂
为了让更多年轻人了解剪纸，郭桂芬这些年走进了二十多所中小学开设公益课。“孩子们学得可认真了，有的回家还教爸爸妈妈剪。”说起学生们，她脸上满是笑容。
2023年，郭桂芬在家乡开办了剪纸工作室，带出徒弟40多名，其中不少人靠剪纸文创产品增加了收入。“老手艺不能只放在展柜里，要让它活在生活中。”郭桂芬说。
@@ museum news
title: “黄河古渡”文物特展开幕
image: 观众在展厅内参观出土陶器。记者 吴静怡 摄
---
本报讯(记者 吴静怡)4月25日，“黄河古渡——河东地区渡口遗址出土文物特展”在市博物馆开幕，展出各类文物156件（组），其中不少为首次公开亮相。
展览分为“古渡寻踪”“舟楫往来”“商旅繁华”三个单元，通过陶器、铜器、钱币、碑刻等文物，展现了黄河渡口千百年来沟通南北、连接东西的历史风貌。
市博物馆馆长何文涛介绍，此次展览将持续至8月底，展览期间博物馆还将推出研学课程和专家讲座。
@@ service-commentary comment
title: 让“一次办好”成为服务常态
---
日前，我市政务服务中心推出“一件事一次办”套餐服务，企业开办、不动产登记等38个高频事项实现“一窗受理、一次办好”。这项改革看似只是窗口的合并、流程的调整，背后体现的却是服务理念的转变。
办事群众最怕什么？怕多头跑、怕来回跑、怕材料不齐跑冤枉路。“一次办好”瞄准的正是这些痛点。从“群众跑腿”到“数据跑路”，从“部门各管一段”到“全链条协同”，改革每向前一步，群众的获得感就增加一分。
也要看到，让“一次办好”从“盆景”变成“风景”，还需要打通部门间的数据壁垒，还需要窗口工作人员提升能力、转变作风。只有把每一个办事环节当作检验作风的考场，才能真正让企业和群众办事更顺心、更舒心。
□ 本报评论员
@@ family-doctor news
title: 家庭医生签约服务覆盖率达78%
---
本报讯（记者 蒋丽华 通讯员 潘志明）记者日前从市卫生健康委员会获悉，截至3月底，我市家庭医生签约服务覆盖常住人口达到78%，重点人群签约率超过90%。
我市组建了1260个家庭医生团队，为签约居民提供健康咨询、慢病随访、预约转诊等服务。在盐池区南关社区，家庭医生每月为辖区高血压、糖尿病患者上门随访，群众满意度明显提升。
下一步，我市将推动家庭医生签约服务提质扩面，探索“互联网+签约服务”，让群众在家门口享受更加便捷的健康服务。
@@ skills-contest news
title: 全市职业院校技能大赛落幕
image: ▲参赛选手在工业机器人赛项中调试设备。(资料图片)
---
本报讯(记者 蒋丽华)4月24日，为期三天的全市职业院校技能大赛在河东职业技术学院落下帷幕。来自全市14所职业院校的620名选手参加了工业机器人、电子商务、中式烹饪等32个赛项的角逐。
本届大赛对接产业需求新增了无人机应用、新能源汽车检测等赛项，赛场上，选手们沉着冷静、操作娴熟，充分展示了职业教育的育人成果。
大赛共决出一等奖48个、二等奖96个、三等奖144个，成绩优异的选手将代表我市参加全省比赛。
@@ saltlake feature
kicker: 守护“一湖碧水”——
title: 盐池湖畔候鸟归来
short: 盐池湖畔候鸟归来
subtitle: ——盐池区湿地生态修复见闻
image: ▲成群的候鸟在盐池湖湿地栖息觅食。通讯员 冯子轩 摄
---
本报记者 郑雅文
春日的盐池湖，水面波光粼粼，成群的白鹭、灰鹤在浅滩上觅食嬉戏。“这几年来的鸟越来越多了，有些以前从没见过。”在湖边巡护了十二年的护林员卫长青拿起望远镜，熟练地报出一串鸟名。
曾几何时，由于无序开采和污水排放，盐池湖周边一度出现湿地萎缩、水质下降等问题。2019年起，盐池区启动湿地生态修复工程，先后拆除违规设施43处，退耕还湿1.2万亩，建成污水处理厂两座。
## 修复见成效 / 湿地添生机
生态修复让湿地重现生机。监测数据显示，盐池湖湿地记录的鸟类已从2018年的86种增加到目前的143种，其中包括国家一级保护野生动物黑鹳、大鸨等。
“保护好这片湿地，就是保护好我们的家园。”盐池区自然资源局相关负责人说，下一步将继续推进湿地保护立法和智慧监测平台建设，让“一湖碧水”代代相传。
@@ may-day news
title: “五一”假期旅游预订升温
---
本报讯(记者 何佳琪)“五一”假期临近，我市文旅市场预订持续升温。记者从市文化和旅游局了解到，截至4月24日，全市A级旅游景区门票预订量同比增长35%，酒店、民宿预订量同比增长28%。
为迎接假期客流高峰，各景区纷纷推出新玩法：黄河古渡景区推出夜游灯光秀，青禾山景区新增露营基地，古城街区将举办非遗市集和民俗巡游。
市文化和旅游局提醒，游客出行前应提前预约、错峰出游，文明旅游、安全出行。
@@ satellite xinhua
title: 我国新一代气象卫星投入业务运行
---
新华社北京4月26日电（记者 郭子涵）记者26日从中国气象局获悉，我国新一代静止轨道气象卫星正式投入业务运行，将为天气预报、防灾减灾等提供更加精细的观测数据。
据介绍，该卫星可实现对我国及周边地区每5分钟一次的快速扫描，对强对流天气的监测能力显著提升。
@@ photo-wheat photo
title: 麦田管护正当时
image: 4月23日，青禾县农技人员操作植保无人机对麦田进行“一喷三防”作业。通讯员 杜建华 摄
---
当前，我市冬小麦陆续进入抽穗扬花期，各地抓住有利天气开展病虫害统防统治，为夏粮丰收打好基础。
@@ apple-live news
kicker: 直播间里卖苹果——
title: 果农变身“带货主播”
---
本报讯(记者 何佳琪 实习生 孔令辉)“家人们看一看，这是咱青禾山上的冷库苹果，脆甜多汁！”4月22日，在青禾县电商产业园的直播间里，果农出身的主播苏晓燕正在介绍自家苹果。
近年来，青禾县依托电商产业园，先后培训农民主播300余名，通过直播带货、社区团购等方式拓宽农产品销路。今年一季度，全县农产品网络零售额达到2.1亿元，同比增长24%。
“以前果子卖不出去就烂在库里，现在一场直播能卖几千斤。”苏晓燕说，她打算今年再带几个村里的年轻人一起干。
@@ locust-essay essay
title: 槐花开时
---
□ 陈　默
老家门前有一棵老槐树，每年四月底，满树的槐花开得像落了一层雪。
小时候，奶奶总会搬出长竹竿，在竿头绑上铁钩，把开得最旺的枝条轻轻拽下来。我和弟弟蹲在树下捋槐花，一把一把地装进竹篮里，手上沾满了甜丝丝的香气。
奶奶把槐花洗净，拌上面粉，上笼屉一蒸，再浇上一勺蒜汁，就是那个年代最好吃的美味。我们围着灶台等，常常等不及出锅就伸手去抓，烫得直吸气。
后来我离开了家乡，在城市里工作多年，吃过许多山珍海味，却总忘不了那一口槐花饭的清香。
今年春天回老家，老槐树依旧枝繁叶茂。奶奶已经不在了，母亲学着她的样子蒸了一笼槐花。我尝了一口，还是那个味道，眼眶却忽然湿了。
原来，我们怀念的从来不只是一种食物，而是那些再也回不去的春天，和春天里爱着我们的人。
@@ air-quality news
title: 一季度全市空气质量优良天数同比增加9天
---
本报讯(记者 蒋丽华)记者从市生态环境局获悉，今年一季度，全市空气质量优良天数为61天，同比增加9天，细颗粒物平均浓度同比下降11.3%。
今年以来，我市聚焦工业、扬尘、机动车等重点领域，完成38家企业超低排放改造，对建筑工地实行扬尘治理“六个百分之百”标准，空气质量持续改善。
@@ startup feature
kicker: 返乡创业正当时——
title: 90后“新农人”的草莓梦
short: 90后“新农人”的草莓梦
---
本报记者 王海燕
通讯员 任佳琪
走进北塬区东坡村的草莓大棚，一垄垄草莓苗长势喜人，红彤彤的果实挂满枝头。大棚主人魏子航正带着工人采摘，准备发往市区的几家商超。
今年31岁的魏子航，大学毕业后在南方一家科技公司工作了五年。2020年，他辞职回乡，流转土地40亩，建起了12座智能温室大棚，专门种植草莓。
“刚开始什么都不懂，第一年草莓得了白粉病，亏了十几万元。”回忆起创业初期，魏子航坦言也曾想过放弃。在区农业农村局技术人员的帮助下，他逐步摸索出一套标准化种植方法，大棚里装上了温湿度传感器，手机上就能远程调控。
如今，魏子航的草莓基地年产草莓6万斤，年销售额超过150万元，还带动村里20多名村民在家门口就业。“家乡的天地很广阔，回来创业是对的。”他说。
@@ flood-drill news
title: 市防汛应急演练在青禾河畔举行
---
本报讯（记者 孙立群 通讯员 韦志刚）4月25日，我市2025年防汛应急综合演练在青禾河北岸举行。
演练模拟青禾河上游突降暴雨、河道水位暴涨、沿岸群众被困等险情，设置了险情报告、人员转移、堤防抢险、水上救援等8个科目。应急、水利、消防、武警等12支队伍共500余人参加演练。
演练结束后，相关部门对演练情况进行了点评，要求各单位查漏补缺，确保汛期安全度汛。
@@ heating-reform news
title: 城区集中供热管网完成冬季检修
---
本报讯(记者 孟凡舒 实习生 孔令辉)供暖季刚刚结束，市热力公司便启动了全面检修工作。截至4月24日，城区已完成一次管网巡检186公里，更换老旧阀门412个，检修换热站73座。
“停暖后的这几个月是检修的黄金期，问题发现得越早，冬天供暖就越有保障。”市热力公司生产运行部负责人韦志刚说。今年，公司还将对运行超过20年的14公里老旧管网实施改造。
据了解，我市今年计划新增集中供热面积120万平方米，新建小区和城中村改造片区将同步接入城市热网。
市热力公司提醒，检修期间如遇管网施工，请市民注意绕行，发现管道漏水可拨打24小时服务热线报修。
@@ rural-road news
kicker: 一条路　富一方——
title: 青禾县“四好农村路”通到家门口
image: ▲新修的农村公路穿过青禾县柳林镇的果园。通讯员 韦志刚 摄
---
本报讯 （记者 马文静 通讯员 韦志刚）春日里驱车行驶在青禾县柳林镇的乡间公路上，平整的柏油路蜿蜒穿过果园和麦田，道路两旁的行道树吐出新绿。
近三年来，青禾县累计投入资金3.6亿元，新建和改造农村公路428公里，全县所有行政村实现通硬化路、通客车，自然村通硬化路比例达到96%。
路通了，产业也跟着活了。柳林镇东坡村村民郑大海说，以前拉苹果的车进不了村，只能用三轮车一趟趟往外倒，“现在大货车直接开到地头，一斤能多卖两毛钱”。
下一步，青禾县将把农村公路与乡村旅游、特色产业统筹规划，推动“农村公路+”融合发展。
@@ elderly-canteen feature
kicker: 家门口吃上“暖心饭”——
title: 社区老年食堂的一天
short: 社区老年食堂的一天
image: ▲东关街道南门社区老年食堂里，老人们在用午餐。记者 郑雅文 摄
---
本报记者 郑雅文
上午十一点，东关街道南门社区老年食堂里飘出阵阵饭香。红烧豆腐、清炒西葫芦、西红柿鸡蛋汤，再配上一碗软糯的小米饭，80岁的独居老人邵秀英吃得很满足：“菜做得烂乎，合我们老人的口味，一顿饭才花六块钱。”
南门社区60岁以上老人有1300多人，其中独居和空巢老人占三成。去年9月，社区利用闲置用房改建了这间老年食堂，由专业餐饮企业运营，政府按人次给予补贴。
## 一碗饭 / 连着民生温度
“每天中午能来吃饭的有一百二三十位老人，行动不便的，我们还安排志愿者送餐上门。”食堂负责人柴永红说，菜单每周更新一次，会提前征求老人意见，“少油少盐、软烂易嚼是基本要求”。
吃饭之外，食堂也成了老人们的“聊天室”。饭后，不少老人留下来下棋、唱戏，社区还定期在这里举办健康讲座和生日会。
据了解，全市目前已建成社区老年食堂和助餐点216个，今年计划新增80个，基本实现城市社区助餐服务全覆盖。
@@ court-mediation news
title: 市中级人民法院推行诉前调解化解纠纷
---
本报讯(记者 孙立群 通讯员 温若琳)记者从市中级人民法院获悉，今年一季度，全市法院通过诉前调解成功化解各类矛盾纠纷2860件，同比增长21%，平均调解时长不到20天。
市中级人民法院在各基层法院设立诉调对接中心，邀请人民调解员、律师和行业专家入驻，对婚姻家庭、物业服务、小额借贷等纠纷优先引导调解。
“调解不收费、周期短，还不伤和气。”北塬区居民秦先生与物业公司的费用纠纷经调解员一次协调就达成协议，他对调解结果十分满意。
市中级人民法院相关负责人表示，将进一步完善多元解纷机制，把更多矛盾纠纷化解在诉前。
@@ water-saving news
title: 河东灌区推广高效节水灌溉
---
本报讯(记者 马文静)4月23日，记者在河东灌区北干渠看到，新铺设的管道输水工程正在试运行，清澈的黄河水通过地下管道直达田间。
河东灌区是我市最大的自流灌区，设计灌溉面积42万亩。近年来，灌区实施续建配套与节水改造，将部分土渠改为管道输水，渠系水利用系数由0.52提高到0.68。
“过去浇一遍地要两三天，水在渠里跑了一半；现在一天就能浇完，还省水。”北塬区东坡村种粮户魏长生说。
今年，灌区计划再改造输水管道38公里，新增高效节水灌溉面积5万亩。
@@ youth-football news
title: 校园足球联赛点燃青春激情
image: ▲市实验中学队（红衣）与青禾县第一中学队在比赛中。记者 吴静怡 摄
---
本报讯(记者 吴静怡)4月25日下午，2025年河东市校园足球联赛初中组决赛在市体育中心落幕，市实验中学队以2比1战胜青禾县第一中学队，夺得冠军。
本届联赛历时一个月，共有来自全市的86支校园足球队、1500余名学生球员参赛，分小学、初中、高中三个组别进行。
近年来，我市已创建全国青少年校园足球特色学校52所，每年参加校园足球联赛的学生超过5000人次。
@@ reading-commentary comment
title: 让书香浸润城市的每个角落
---
世界读书日前后，我市各地的读书活动一场接着一场：图书馆里亲子共读，社区书屋里银发读者聚会，地铁口的“城市书房”里，下班的年轻人捧起一本书。阅读，正在成为越来越多市民的生活方式。
一座城市的气质，很大程度上来自它的阅读氛围。建设书香城市，既要有遍布街巷的阅读空间，也要有持续不断的阅读活动，更要有让人愿意停下来、读下去的好书和好服务。
期待更多的“城市书房”开到居民身边，期待更多的人放下手机、打开书本，让书香成为河东最动人的城市名片。
□ 本报特约评论员 方　舟
@@ library brief
title: 市图书馆开展“世界读书日”系列活动
---
本报讯(记者 何佳琪)4月23日是“世界读书日”，市图书馆举办“书香河东·全民阅读”系列活动，包括图书漂流、经典诵读、亲子共读等12项内容。
活动期间，市图书馆还向社区和农家书屋捐赠图书3000册。
@@ jobs-fair brief
title: 青禾县举办春季招聘会
---
本报讯(记者 刘思远)4月22日，青禾县春季大型招聘会在县人民广场举行，86家企业提供就业岗位2100余个，涵盖制造、物流、餐饮等行业。
当天共有1300余名求职者进场，初步达成就业意向420人。
@@ fire-drill brief
title: 北塬区开展高层建筑消防演练
---
本报讯(记者 孟凡舒 通讯员 邵凯)4月24日，北塬区消防救援大队在区内一高层住宅小区开展灭火救援演练，检验高层建筑火灾处置能力。
演练中，消防员利用云梯车、室内消火栓等设施开展灭火和人员疏散，提升了实战能力。
@@ tax brief
title: 市税务局开展减税降费政策宣讲
---
本报讯(记者 孙立群)近日，市税务局组织业务骨干走进河东经济技术开发区，为60余家企业宣讲最新税费优惠政策，现场解答企业疑问。
今年以来，全市已为企业减税降费及退税9.6亿元。
@@ free-clinic brief
title: 柳林镇卫生院送医下乡
---
本报讯（记者 蒋丽华 通讯员 马骁）4月23日，柳林镇卫生院组织医护人员来到南滩村开展义诊，为村民免费测量血压、血糖，讲解慢病防治知识。
当天共义诊村民200余人次，发放健康宣传资料500余份。
@@ anti-fraud brief
title: 东关街道开展反诈宣传进社区活动
---
本报讯(记者 郑雅文)近日，东关街道联合辖区派出所走进社区，通过案例讲解、发放宣传册等方式，向居民普及防范电信网络诈骗知识。
民警提醒，凡是要求转账汇款的“客服”“领导”“熟人”，务必先核实身份。
@@ wind brief
title: 市气象台提醒：近期注意防范大风天气
---
本报讯(记者 何佳琪)据市气象台预报，4月26日至27日，我市将出现一次大风降温天气过程，阵风可达7至8级。
市气象台提醒，请市民关注天气变化，加固户外广告牌等设施，谨防高空坠物。
@@ rail brief
title: 河东站5月1日起调整列车运行图
---
本报讯(记者 刘思远)记者从河东站获悉，自5月1日起全国铁路实行新的列车运行图，河东站新增至上海、成都方向动车组列车各1对。
旅客可通过铁路12306网站或手机客户端查询具体车次信息。
@@ table-tennis brief
title: 全民健身乒乓球赛开赛
---
本报讯(记者 吴静怡)4月24日，河东市第十届全民健身乒乓球比赛在市体育馆开赛，来自全市各行业的48支代表队近300名运动员参赛。
比赛为期四天，设男子团体、女子团体和混合双打等项目。
@@ water brief
title: 城区部分路段4月28日临时停水
---
本报讯(记者 孟凡舒)因供水管网改造施工，4月28日8时至20时，城区解放路、人民路部分路段将临时停水。
请相关区域居民提前做好储水准备，给您带来的不便敬请谅解。
@@ calligraphy brief
title: 老年大学师生书画作品展开展
---
本报讯(记者 吴静怡)4月25日，河东市老年大学师生书画作品展在市文化馆开展，展出书法、国画作品160余幅。
展览免费向市民开放，持续至5月10日。
@@ farm-machinery brief
title: 市农业农村局举办农机手培训班
---
本报讯（记者 马文静 通讯员 杜建华）4月22日，市农业农村局举办农机手安全操作培训班，来自各县（市、区）的120名农机手参加培训。
培训内容包括农机安全驾驶、北斗导航播种机操作和日常维护保养等。
@@ blood brief
title: 河东职院师生踊跃献血
---
本报讯(记者 蒋丽华)4月24日，河东职业技术学院开展无偿献血活动，300余名师生踊跃参与，献血量达9.8万毫升。
该校已连续八年组织师生开展无偿献血活动。
@@ bus-line brief
title: 市区新开通两条公交线路
---
本报讯(记者 孟凡舒)4月26日起，市公交集团新开通36路、37路两条公交线路，连接高铁站、经济技术开发区和北塬区多个居民小区。
两条线路首班车6时30分发车，末班车21时收车。
@@ microloan brief
title: 河东农商银行推出“椒农贷”
---
本报讯(记者 刘思远 通讯员 贺晓宁)近日，河东农商银行针对花椒种植户推出专属信贷产品“椒农贷”，单户最高可贷30万元，利率享受优惠。
目前已为青禾县230户椒农发放贷款3100万元。
@@ volunteers brief
title: 志愿者清扫街巷迎“五一”
---
本报讯(记者 郑雅文)4月26日，北塬区300余名志愿者走上街头，清理卫生死角、劝导不文明行为，以整洁的市容迎接“五一”假期。
"""

_EDITORS = ["周敏", "韩晓峰", "柴丽娜", "姚春生", "宁可欣", "薛志远"]
_PAGE_NAMES = [
    ("01", "要闻"),
    ("02", "聚焦"),
    ("03", "综 合"),
    ("04", "资讯"),
    ("05", "经济"),
    ("06", "县区"),
    ("07", "文化"),
    ("08", "副刊"),
    ("09", "社会"),
    ("10", "专题"),
    ("11", "体育"),
    ("12", "周末"),
]
_SENTENCE_END = set("。！？…”’）)」』")


@dataclass(frozen=True)
class Story:
    """One story of the pool, with its printed parts."""

    slug: str
    kind: str  # lead, feature, news, xinhua, comment, photo, essay, brief
    title: str
    kicker: str | None = None
    subtitle: str | None = None
    short_title: str | None = None  # the title a continuation part prints
    images: tuple[str, ...] = ()  # captions of the photos, credit included
    paragraphs: tuple[str, ...] = ()  # as printed; crossheads as "## A / B"


def _parse_pool(text: str) -> tuple[Story, ...]:
    stories: list[Story] = []
    for block in text.split("\n@@ ")[1:]:
        head, _, body = block.partition("\n---\n")
        first, *headers = head.strip().split("\n")
        slug, kind = first.split()
        fields: dict[str, str] = {}
        images: list[str] = []
        for line in headers:
            key, _, value = line.partition(": ")
            if key == "image":
                images.append(value)
            else:
                fields[key] = value
        stories.append(
            Story(
                slug=slug,
                kind=kind,
                title=fields["title"],
                kicker=fields.get("kicker"),
                subtitle=fields.get("subtitle"),
                short_title=fields.get("short"),
                images=tuple(images),
                paragraphs=tuple(line for line in body.strip().split("\n") if line.strip()),
            )
        )
    return tuple(stories)


POOL: tuple[Story, ...] = _parse_pool(_POOL)
STORIES: dict[str, Story] = {s.slug: s for s in POOL}
BRIEFS: tuple[Story, ...] = tuple(s for s in POOL if s.kind == "brief")
LONG: tuple[Story, ...] = tuple(s for s in POOL if s.kind in ("lead", "feature"))
OTHER: tuple[Story, ...] = tuple(s for s in POOL if s.kind not in ("lead", "feature", "brief"))


# --------------------------------------------------------------------------- building articles


def _crosshead_lines(line: str, split: bool) -> list[str]:
    """A "## A / B" crosshead as printed: two short lines, or one line with an ideographic space."""
    parts = [p.strip() for p in line[3:].split(" / ")]
    return parts if split else ["　".join(parts)]


def story_paragraphs(story: Story, split_crossheads: bool = True) -> list[str]:
    """The story's printed paragraphs with crossheads expanded."""
    out: list[str] = []
    for line in story.paragraphs:
        out.extend(_crosshead_lines(line, split_crossheads) if line.startswith("## ") else [line])
    return out


def _is_body(text: str) -> bool:
    return len(text) >= 60 and not text.startswith(("▲", "本报记者", "通讯员", "□", "图为"))


def column_split(paragraphs: list[str], which: int, fraction: float = 0.5) -> list[str]:
    """Split body paragraph `which` mid-sentence, as a column break prints it (two <p>)."""
    text = paragraphs[which]
    cut = max(8, min(len(text) - 8, int(len(text) * fraction)))
    while cut < len(text) - 4 and (text[cut - 1] in _SENTENCE_END or text[cut - 1] in "，、；：“"):
        cut += 1
    return paragraphs[:which] + [text[:cut], text[cut:]] + paragraphs[which + 1 :]


def split_candidates(paragraphs: list[str]) -> list[int]:
    return [i for i, p in enumerate(paragraphs) if _is_body(p) and i > 0]


def article_from_story(
    story: Story,
    article_id: int,
    *,
    paragraphs: list[str] | None = None,
    with_kicker: bool = True,
    title: str | None = None,
    images: bool = True,
) -> SiteArticle:
    """A SiteArticle printing `story` (or the given paragraphs of it)."""
    pics = (
        [SiteImage(src=f"{article_id}_{i + 1}.jpg", caption=c) for i, c in enumerate(story.images)]
        if images
        else []
    )
    return SiteArticle(
        id=article_id,
        title=title or story.title,
        kicker=story.kicker if with_kicker else None,
        subtitle=story.subtitle if with_kicker else None,
        paragraphs=list(paragraphs if paragraphs is not None else story_paragraphs(story)),
        images=pics,
    )


def continued_pair(
    story: Story,
    first_id: int,
    second_id: int,
    *,
    to_page: str = "2",
    from_page: str = "1",
    keep: int = 4,
    to_marker: str = "（下转第{page}版）",
    from_marker: str = "（上接第{page}版）",
    mid_sentence: bool = True,
    shortened: bool = True,
) -> tuple[SiteArticle, SiteArticle]:
    """A story printed in two parts: the first ends with 下转, the second opens with 上接.

    With `mid_sentence` the cut falls inside a paragraph, so the sentence runs on across the pages."""
    paras = story_paragraphs(story)
    keep = max(1, min(keep, len(paras) - 1))
    head, tail = paras[:keep], paras[keep:]
    if mid_sentence:
        idx = next((i for i in range(len(tail)) if _is_body(tail[i])), None)
        if idx is not None:
            cut = column_split(tail, idx, 0.45)
            head = head + tail[:idx] + [cut[idx]]
            tail = cut[idx + 1 :]
    head = head + [to_marker.format(page=to_page)]
    tail = [from_marker.format(page=from_page)] + tail
    first = article_from_story(story, first_id, paragraphs=head)
    title = story.short_title if shortened and story.short_title else story.title
    second = article_from_story(
        story, second_id, paragraphs=tail, with_kicker=not shortened, title=title, images=False
    )
    return first, second


# --------------------------------------------------------------------------- page geometry


Polygon = list[tuple[int, int]]


def _rect(x0: int, y0: int, x1: int, y1: int) -> Polygon:
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def tile_page(
    n_articles: int, size: tuple[int, int], two_area: set[int] | None = None, vary: float = 0.5
) -> list[list[Polygon]]:
    """Hotspot areas that tile the whole page image, one list of areas per article.

    Article 0 (the lead) gets an L-shaped rectilinear polygon (top band plus the left part of the middle
    band); the others get rectangles in the middle-right and bottom bands; articles in `two_area` get a
    second, separate rectangle. `vary` (0..1) moves the band and column lines."""
    w, h = size
    two_area = {i for i in (two_area or set()) if 0 < i < n_articles}
    if n_articles <= 0:
        return []
    if n_articles == 1:
        return [[_rect(0, 0, w, h)]]
    cells_needed = n_articles - 1 + len(two_area)
    y1 = int(h * (0.22 + 0.12 * vary))
    y2 = int(h * (0.55 + 0.12 * vary))
    x1 = int(w * (0.38 + 0.2 * vary))
    lead = [(0, 0), (w, 0), (w, y1), (x1, y1), (x1, y2), (0, y2)]
    right_rows = max(1, cells_needed // 2)
    bottom_cols = cells_needed - right_rows
    cells: list[Polygon] = []
    for r in range(right_rows):
        ya = y1 + (y2 - y1) * r // right_rows
        yb = y1 + (y2 - y1) * (r + 1) // right_rows
        cells.append(_rect(x1, ya, w, yb))
    if bottom_cols == 0:  # stretch the last right cell to the bottom: the lead keeps its L, nothing uncovered
        cells[-1] = _rect(x1, cells[-1][0][1], w, h)
        lead = [(0, 0), (w, 0), (w, y1), (x1, y1), (x1, h), (0, h)]
    for c in range(bottom_cols):
        xa = w * c // bottom_cols
        xb = w * (c + 1) // bottom_cols
        cells.append(_rect(xa, y2, xb, h))
    areas: list[list[Polygon]] = [[lead]]
    it = iter(cells)
    for _ in range(1, n_articles):
        areas.append([next(it)])
    for i in sorted(two_area):
        areas[i].append(next(it))
    return areas


def polygon_area(points: Polygon) -> float:
    """Shoelace area, for tests and area shares."""
    s = 0
    for (xa, ya), (xb, yb) in zip(points, points[1:] + points[:1], strict=True):
        s += xa * yb - xb * ya
    return abs(s) / 2


def place_articles(page: SitePage, two_area: set[int] | None = None, vary: float = 0.5) -> SitePage:
    """Give every article of `page` its hotspot polygons (in place; returns the page)."""
    for article, areas in zip(
        page.articles, tile_page(len(page.articles), page.image_size, two_area, vary), strict=True
    ):
        article.polygon = areas[0]
        article.extra_polygons = areas[1:]
    return page


# --------------------------------------------------------------------------- editions


_EPOCH = dt.date(2000, 1, 1)


def article_id(date: dt.date, page_index: int, index: int) -> int:
    """A CMS-style content id, unique across a site's dates: up to 50 pages of 20 articles a day."""
    return 100000 + (date - _EPOCH).days * 1000 + page_index * 20 + index


def node_stem(spec: SiteSpec, page_index: int, number: str) -> str:
    """The page file stem: founder-pc names pages by number, founder-classic by a CMS node id."""
    if spec.family == "founder-classic":
        base = 180 + int(hashlib.md5(spec.key.encode()).hexdigest()[:2], 16) % 20
        return f"node_{base + page_index}"
    return f"node_{number}"


def page_label(index: int) -> tuple[str, str]:
    if index < len(_PAGE_NAMES):
        return _PAGE_NAMES[index]
    return f"{index + 1:02d}", "专版"


def _rng(spec: SiteSpec, date: dt.date, seed: object) -> random.Random:
    return random.Random(f"{spec.key}|{spec.family}|{date.isoformat()}|{seed}")


def _vary(article: SiteArticle, rng: random.Random) -> None:
    """Column breaks: sometimes split one body paragraph mid-sentence (two <p>)."""
    if rng.random() < 0.4:
        candidates = split_candidates(article.paragraphs)
        if candidates:
            article.paragraphs = column_split(
                article.paragraphs, rng.choice(candidates), rng.uniform(0.3, 0.7)
            )


def make_edition(
    spec: SiteSpec,
    date: dt.date,
    pages: int = 8,
    articles_per_page: int = 6,
    seed: object = 0,
) -> SiteEdition:
    """A generated edition: same arguments, same edition, in every run.

    Page 1 leads with a story continued on page 2 (下转/上接) when there are two pages; page 4 (资讯)
    carries brief news; every third page ends with an editor credit; some paragraphs are split at a
    column break; one article in three pages has two hotspot areas."""
    if pages > 50 or articles_per_page > 20:
        raise ValueError("make_edition supports up to 50 pages of 20 articles")
    rng = _rng(spec, date, seed)
    longs = list(LONG)
    others = list(OTHER)
    briefs = list(BRIEFS)
    rng.shuffle(longs)
    rng.shuffle(others)
    rng.shuffle(briefs)
    general = longs[1:] + others
    rng.shuffle(general)
    cursor = {"general": 0, "brief": 0}
    pools = {"general": general, "brief": briefs}

    def take(kind: str) -> Story:
        """The next unused story of `kind`, else of the other kind; stories repeat only when both run out."""
        other = "general" if kind == "brief" else "brief"
        if cursor[kind] >= len(pools[kind]) and cursor[other] < len(pools[other]):
            kind = other
        pool = pools[kind]
        story = pool[cursor[kind] % len(pool)]
        cursor[kind] += 1
        return story

    edition = SiteEdition(date=date)
    continued: SiteArticle | None = None
    for p in range(pages):
        number, name = page_label(p)
        page = SitePage(number=number, name=name, node=node_stem(spec, p, number))
        for a in range(articles_per_page):
            aid = article_id(date, p, a)
            if p == 0 and a == 0 and pages > 1:
                lead = longs[0]
                first, continued = continued_pair(
                    lead,
                    aid,
                    article_id(date, 1, 0),
                    keep=rng.randint(2, 4),
                    to_marker=rng.choice(["（下转第{page}版）", "(下转第{page}版)", "（下转第二版）"]),
                    from_marker=rng.choice(["（上接第{page}版）", "(上接第一版)", "（上接第1版）"]),
                    shortened=rng.random() < 0.5,
                )
                page.articles.append(first)
                continue
            if p == 1 and a == 0 and continued is not None:
                page.articles.append(continued)
                continue
            kind = "brief" if name == "资讯" or (a >= 3 and rng.random() < 0.5) else "general"
            article = article_from_story(take(kind), aid, images=rng.random() < 0.8)
            _vary(article, rng)
            page.articles.append(article)
        if page.articles and p % 3 == 2:
            page.articles[-1].paragraphs.append(
                f"责任编辑：{_EDITORS[(p + date.toordinal()) % len(_EDITORS)]}"
            )
        two = (
            {1 + rng.randrange(max(1, len(page.articles) - 1))}
            if p % 3 == 0 and len(page.articles) > 2
            else set()
        )
        place_articles(page, two, vary=rng.random())
        edition.pages.append(page)
    return edition


def clone_edition(edition: SiteEdition) -> SiteEdition:
    """A deep copy, for callers that want to change an edition without touching a cached one."""
    return dataclasses.replace(
        edition,
        pages=[
            dataclasses.replace(
                p,
                articles=[
                    dataclasses.replace(
                        a,
                        paragraphs=list(a.paragraphs),
                        images=list(a.images),
                        polygon=list(a.polygon),
                        extra_polygons=[list(x) for x in a.extra_polygons],
                    )
                    for a in p.articles
                ],
            )
            for p in edition.pages
        ],
    )


__all__ = [
    "BRIEFS",
    "LONG",
    "POOL",
    "STORIES",
    "Story",
    "article_from_story",
    "article_id",
    "clone_edition",
    "column_split",
    "continued_pair",
    "make_edition",
    "node_stem",
    "page_label",
    "place_articles",
    "polygon_area",
    "story_paragraphs",
    "tile_page",
]
